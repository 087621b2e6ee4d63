export default {
  routes: [
    { method: 'GET', path: '/libraries', handler: 'library.find', config: { description: 'The three libraries of the 100/100/100 resource library' } },
    { method: 'GET', path: '/libraries/progress', handler: 'library.progress', config: { description: 'Per library: target, selected, remaining, counts by grade band, theme and year' } },
    { method: 'GET', path: '/libraries/:key/entries', handler: 'library.entries', config: { description: "A library's selected resources, with the content endpoints' filters" } },
  ],
};
