// The framer for a source's Content-Type. A SOURCE request without one is given as audio/mpeg by
// the caller (Icecast accepts it as such, docs/icecast-compatibility.md#content-types). MP3 and AAC framers recognise each
// other's frames too, because sources mislabel them.
import type { Framer } from '../types.ts';
import { codecOfContentType } from '../format-family.ts';
import { adtsSyntax } from './adts.ts';
import { FrameFramer } from './frame-framer.ts';
import { mpegSyntax } from './mpeg.ts';
import { OggFramer } from './ogg-framer.ts';
import { PassThroughFramer } from './passthrough.ts';

export function createFramer(contentType: string): Framer {
  switch (codecOfContentType(contentType)) {
    case 'mp3':
      return new FrameFramer(mpegSyntax, adtsSyntax);
    case 'aac':
      return new FrameFramer(adtsSyntax, mpegSyntax);
    case 'ogg':
      return new OggFramer();
    default:
      return new PassThroughFramer();
  }
}
