import { Client } from 'minio';
import { readDependencyEnv, type DependencyEnv } from './real-dependencies';

/** Buckets tests create in the local S3 server; each run makes its own and removes it after. */
export const TEST_BUCKET_PREFIXES = ['berth-clients-', 'berth-e2e-', 'berth-reg-', 'berth-test-'];

function client(env: DependencyEnv): Client {
  const url = new URL(env.S3_ENDPOINT);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: url.protocol === 'https:',
    accessKey: env.S3_ACCESS_KEY,
    secretKey: env.S3_SECRET_KEY,
    region: env.S3_REGION,
    pathStyle: true,
  });
}

/** Empties and removes one bucket: the S3 server must not fill up with test buckets. */
export async function removeBucket(
  bucket: string,
  env: DependencyEnv = readDependencyEnv(),
): Promise<void> {
  const s3 = client(env);
  if (!(await s3.bucketExists(bucket))) return;
  const names: string[] = [];
  for await (const item of s3.listObjectsV2(bucket, '', true) as AsyncIterable<{ name?: string }>)
    if (item.name) names.push(item.name);
  for (let i = 0; i < names.length; i += 500)
    await s3.removeObjects(bucket, names.slice(i, i + 500));
  for await (const upload of s3.listIncompleteUploads(bucket, '', true) as AsyncIterable<{
    key: string;
    uploadId: string;
  }>)
    await s3.abortMultipartUpload(bucket, upload.key, upload.uploadId);
  await s3.removeBucket(bucket);
}

/** Removes test buckets a crashed or killed earlier run left behind. */
export async function sweepTestBuckets(
  env: DependencyEnv = readDependencyEnv(),
): Promise<string[]> {
  const s3 = client(env);
  const stale = (await s3.listBuckets())
    .map((b) => b.name)
    .filter((name) => TEST_BUCKET_PREFIXES.some((p) => name.startsWith(p)));
  for (const name of stale) await removeBucket(name, env);
  return stale;
}
