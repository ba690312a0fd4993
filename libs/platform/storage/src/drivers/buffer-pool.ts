/** Size of every pooled buffer: blob reads sent to sockets and upload slabs alike. */
export const POOLED_BUFFER_BYTES = 1024 * 1024;
/** Spare buffers kept between uses: at most this many MiB stay allocated idle. */
const MAX_SPARE = 16;

const spare: Buffer[] = [];

/**
 * 1 MiB buffers reused across requests, so streaming blobs allocates nothing per chunk. A buffer
 * goes back only once nothing (a socket write, a file write) still reads it.
 */
export const bufferPool = {
  take(): Buffer {
    return spare.pop() ?? Buffer.allocUnsafeSlow(POOLED_BUFFER_BYTES);
  },
  give(buf: Buffer): void {
    if (buf.length === POOLED_BUFFER_BYTES && spare.length < MAX_SPARE) spare.push(buf);
  },
};
