// Evidence files from a form's file input, uploaded one by one to POST /v1/evidence (stored once by SHA-256; the
// server checks size, type and leading bytes and answers a coded 4xx), giving the references an objection carries.
import { api } from './api.js';

export interface EvidenceRef {
  sha256: string;
  size: number;
  type: string;
  name: string;
}

/** Base64 of a file's bytes, in chunks (String.fromCharCode over a whole large file overflows the call stack). */
function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Upload every file chosen in the form's `evidence` input; the first refused file stops the lot (nothing filed). */
export async function uploadEvidence(form: FormData): Promise<EvidenceRef[]> {
  // An input with nothing chosen submits one nameless empty file; a chosen empty file goes up (the server refuses it).
  const files = form.getAll('evidence').filter((f): f is File => f instanceof File && f.name !== '');
  const refs: EvidenceRef[] = [];
  for (const f of files)
    refs.push(
      await api<EvidenceRef>('/v1/evidence', {
        method: 'POST',
        body: {
          name: f.name.slice(0, 200),
          // A browser gives '' for a type it does not know; the server then names the accepted ones.
          type: f.type || 'application/octet-stream',
          content: base64(new Uint8Array(await f.arrayBuffer())),
        },
      }),
    );
  return refs;
}
