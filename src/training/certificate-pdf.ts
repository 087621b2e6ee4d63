import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

// Noto Sans SC from npm: pdfkit embeds only the glyphs used, so a certificate stays small.
const FONT_REGULAR = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
const FONT_BOLD = require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf');

const TIER_TITLE: Record<string, string> = {
  A: 'A证 · 专兼职心理健康教育教师',
  B: 'B证 · 班主任、德育管理者',
  C: 'C证 · 专任教师',
};

export interface CertificateForPdf {
  tier: string;
  schoolYear: string;
  serialNumber: string;
  verificationCode: string;
  issuedAt: string | Date;
  status: string;
  teacher: { name: string; staffNumber: string; school?: { name: string } | null };
  snapshot: { approvedHours: number; courses?: { code: string; title: string; hours: number }[] };
}

/** The public verification URL a certificate's QR code carries. */
export const certificateVerifyUrl = (serverUrl: string | undefined, code: string) => `${serverUrl || 'http://localhost:1337'}/api/certificates/verify/${code}`;

/** An A4 landscape certificate with Chinese text in an embedded font and a QR code of its verification URL. */
export async function renderCertificatePdf(certificate: CertificateForPdf, verifyUrl: string): Promise<Buffer> {
  const qr = await QRCode.toBuffer(verifyUrl, { errorCorrectionLevel: 'M', margin: 1, width: 240 });
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 56,
    info: { Title: `心理健康教育教师培训结业证书 ${certificate.serialNumber}`, Author: '心育资源平台', Subject: certificate.verificationCode },
  });
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - 112;
  doc.lineWidth(3).rect(28, 28, doc.page.width - 56, doc.page.height - 56).stroke('#1f5f8b');
  doc.font('bold').fontSize(30).fillColor('#1f5f8b').text('心理健康教育教师培训结业证书', 56, 80, { width, align: 'center' });
  doc.font('regular').fontSize(16).fillColor('#333').text(TIER_TITLE[certificate.tier] ?? certificate.tier, { width, align: 'center' });
  doc.moveDown(1.5);
  const school = certificate.teacher.school?.name ? `（${certificate.teacher.school.name}）` : '';
  doc.font('regular').fontSize(18).fillColor('#000').text(
    `兹证明 ${certificate.teacher.name}${school} 教师（编号 ${certificate.teacher.staffNumber}）于 ${certificate.schoolYear} 学年完成心理健康教育分层分类培训，` +
      `认定学时 ${certificate.snapshot.approvedHours} 学时，成绩合格，特发此证。`,
    { width: width - 200, lineGap: 8 }
  );
  const courses = certificate.snapshot.courses ?? [];
  if (courses.length) {
    doc.moveDown(0.8).fontSize(13).fillColor('#333').text(`完成课程：${courses.map((c) => `${c.title}（${c.hours} 学时）`).join('；')}`, { width: width - 200 });
  }
  const issued = new Date(certificate.issuedAt);
  doc.fontSize(13).fillColor('#333')
    .text(`证书编号：${certificate.serialNumber}`, 56, doc.page.height - 170)
    .text(`发证日期：${issued.getUTCFullYear()}年${issued.getUTCMonth() + 1}月${issued.getUTCDate()}日`)
    .text(`验证码：${certificate.verificationCode}`);
  if (certificate.status === 'revoked') {
    doc.font('bold').fontSize(40).fillColor('#c0392b').text('已撤销 REVOKED', 56, 260, { width, align: 'center' });
  }
  doc.image(qr, doc.page.width - 56 - 150, doc.page.height - 56 - 170, { width: 150 });
  doc.font('regular').fontSize(9).fillColor('#666').text('扫码验证 Scan to verify', doc.page.width - 56 - 150, doc.page.height - 56 - 16, { width: 150, align: 'center' });
  doc.end();
  return done;
}
