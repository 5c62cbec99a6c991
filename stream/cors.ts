// CORS for web players: the preflight must succeed, Icy-MetaData must be an allowed request header
// and the icy-* response headers exposed, or in-browser ICY parsing fails (docs/icecast-compatibility.md#cors,
// eshaz/icecast-metadata-js#184; Icecast 2.4.4 drops OPTIONS entirely).
export const CORS_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Access-Control-Allow-Origin', '*'],
  ['Access-Control-Allow-Headers', 'Origin, Icy-MetaData, Range'],
  [
    'Access-Control-Expose-Headers',
    'Icy-Br, Icy-Description, Icy-Genre, Icy-MetaInt, Icy-Name, Icy-Pub, Icy-Url, Ice-Audio-Info',
  ],
  ['Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS'],
];
