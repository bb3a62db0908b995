// The tool's version as written into summary.json; a test keeps it equal to package.json's.
/** relaysim's version (package.json's). */
export const VERSION = "0.1.0";
