import { firstFreeSlug, slugFromTitle } from '../../src/shared/slugs';
import { indexTerms, queryTerms } from '../../src/content/search/tokenize';
import { highlightSnippet } from '../../src/content/search/snippet';

describe('slugFromTitle: pinyin, then slugify', () => {
  test.each([
    ['认识情绪', 'ren-shi-qing-xu'],
    ['压力山大怎么办？', 'ya-li-shan-da-zen-me-ban'],
    ['我的“情绪”小怪兽（第2课）', 'wo-de-qing-xu-xiao-guai-shou-di-2-ke'],
    ['Hello 情绪ABC课', 'hello-qing-xu-abc-ke'],
    ['重庆的长大', 'chong-qing-de-zhang-da'],
    ['！！！', 'untitled'],
  ])('%s → %s', (title, slug) => {
    expect(slugFromTitle(title)).toBe(slug);
  });

  test('long titles are cut at a word boundary within 80 characters', () => {
    const slug = slugFromTitle('认识情绪'.repeat(20));
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  test('firstFreeSlug appends -2, -3 … to a taken slug', () => {
    expect(firstFreeSlug('ren-shi-qing-xu', [])).toBe('ren-shi-qing-xu');
    expect(firstFreeSlug('ren-shi-qing-xu', ['ren-shi-qing-xu', 'ren-shi-qing-xu-2'])).toBe('ren-shi-qing-xu-3');
  });
});

describe('Chinese word segmentation for search', () => {
  test('index terms include the words inside longer words', () => {
    expect(indexTerms('初中生考前心理调适')).toEqual(['初中', '中生', '初中生', '考前', '心理', '调适']);
  });

  test('query terms are whole words without function words or punctuation', () => {
    expect(queryTerms('我的情绪，与压力！')).toEqual(['情绪', '压力']);
    expect(queryTerms('网络素养 Phone')).toEqual(['网络', '素养', 'phone']);
  });
});

describe('highlightSnippet', () => {
  test('marks every term and escapes HTML', () => {
    expect(highlightSnippet('学会<b>管理</b>情绪与压力', ['情绪', '压力'])).toBe(
      '学会&lt;b&gt;管理&lt;/b&gt;<mark>情绪</mark>与<mark>压力</mark>'
    );
  });

  test('centres on the first match in long text and marks elision', () => {
    const text = `${'前'.repeat(100)}挫折${'后'.repeat(200)}`;
    const snippet = highlightSnippet(text, ['挫折']);
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet).toContain('<mark>挫折</mark>');
    expect(snippet.replace(/<\/?mark>|…/g, '').length).toBe(120);
  });
});
