/** The library workspace pages in the browser; called inside the suite of tests/browser/admin-panel.test.ts (one boot). */
export default function libraryCases() {}
