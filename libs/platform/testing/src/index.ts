export * from './real-dependencies';
export * from './ports';
export * from './processes';
export * from './oci-tools';
export * from './oci-layout';
export * from './berth-instance';
export * from './s3-buckets';
export * from './conformance';
