/** Berth's release, kept equal to the root package.json's version (a unit test holds it there). */
export const BERTH_VERSION = '0.1.0';
