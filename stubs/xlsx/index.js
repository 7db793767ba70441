'use strict';
// Stands in for SheetJS `xlsx`, which danfojs requires when it loads (for readExcel/toExcel). The
// workshop reads CSV and Parquet only, so the published package (with its security advisories) stays
// out of the tree; any use of Excel I/O fails here with an explanation instead.

function notIncluded(what) {
  return new Error(
    `xlsx: ${what} is not available: Excel reading and writing is not part of this workshop, and ` +
      'package.json "overrides" replaces the xlsx package with this placeholder (stubs/xlsx). ' +
      'Save the data as CSV or Parquet instead.',
  );
}

function entryPoint(name) {
  return function excelEntryPoint() {
    throw notIncluded(`xlsx.${name}()`);
  };
}

// danfojs reaches the helpers as `xlsx.utils.<name>`: any of them fails the same way.
const utils = new Proxy(
  {},
  {
    get(_target, key) {
      if (typeof key === 'symbol') return undefined;
      throw notIncluded(`xlsx.utils.${key}`);
    },
  },
);

module.exports = {
  read: entryPoint('read'),
  readFile: entryPoint('readFile'),
  write: entryPoint('write'),
  writeFile: entryPoint('writeFile'),
  writeFileXLSX: entryPoint('writeFileXLSX'),
  writeXLSX: entryPoint('writeXLSX'),
  utils,
};
