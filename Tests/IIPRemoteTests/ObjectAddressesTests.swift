import IIPRemote
import Testing

/// How an image path on a store becomes a request: S3 path and virtual-host styles, signed or anonymous, and
/// HTTP servers, with the path percent-encoded once.
@Suite struct ObjectAddressesTests {
    static let credentials = AWSCredentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let time: Int64 = 1_369_353_600  // 2013-05-24T00:00:00Z

    static func addresses(
        _ prefix: String, access: AWSAccess = .signed(credentials), region: String = "us-east-1",
        endpoint: AWSEndpoint? = nil, addressing: RemoteStoreConfiguration.Addressing = .automatic
    ) throws -> ObjectAddresses {
        let parsed = try #require(try RemotePrefix(prefix))
        let aws = AWSConfiguration(access: access, region: region, endpoint: endpoint)
        return ObjectAddresses(prefix: parsed, aws: aws, addressing: addressing)
    }

    static func header(_ name: String, in target: ObjectAddresses.Target) -> String? {
        target.headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    // On AWS itself, automatic addressing is virtual-host style: the bucket in the host name.
    @Test func awsIsVirtualHostStyle() throws {
        let target = try Self.addresses("s3://examplebucket/scans/", region: "eu-west-1")
            .request(method: "GET", path: "s3://examplebucket/scans/a b.tif", headers: [], now: Self.time)
        #expect(target.url == "https://examplebucket.s3.eu-west-1.amazonaws.com/scans/a%20b.tif")
        let authorization = try #require(Self.header("Authorization", in: target))
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/eu-west-1/s3/"))
        #expect(Self.header("x-amz-date", in: target) == "20130524T000000Z")
        #expect(Self.header("x-amz-content-sha256", in: target) != nil)
        #expect(!target.headers.contains { $0.1.contains("wJalrXUtnFEMI") })
    }

    // A bucket with dots cannot be a host name under AWS's certificate: path style.
    @Test func dottedBucketsArePathStyle() throws {
        let target = try Self.addresses("s3://my.bucket/")
            .request(method: "HEAD", path: "s3://my.bucket/x.tif", headers: [], now: Self.time)
        #expect(target.url == "https://s3.us-east-1.amazonaws.com/my.bucket/x.tif")
    }

    // A custom endpoint (MinIO, rclone, Ceph ...) is path style unless told otherwise, with its own port.
    @Test func customEndpointsArePathStyleOrAsTold() throws {
        let endpoint = AWSEndpoint(scheme: "http", host: "127.0.0.1", port: 9000)
        let path = try Self.addresses("s3://images/", endpoint: endpoint)
            .request(method: "GET", path: "s3://images/a.tif", headers: [("Range", "bytes=0-9")], now: Self.time)
        #expect(path.url == "http://127.0.0.1:9000/images/a.tif")
        #expect(Self.header("Range", in: path) == "bytes=0-9")
        let signed = try #require(Self.header("Authorization", in: path))
        #expect(signed.contains("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date"))
        let virtual = try Self.addresses("s3://images/", endpoint: endpoint, addressing: .virtual)
            .request(method: "GET", path: "s3://images/a.tif", headers: [], now: Self.time)
        #expect(virtual.url == "http://images.127.0.0.1:9000/a.tif")
    }

    // Without credentials, requests go unsigned (public buckets).
    @Test func anonymousRequestsAreUnsigned() throws {
        let target = try Self.addresses("s3://public-data/", access: .anonymous)
            .request(method: "GET", path: "s3://public-data/x.tif", headers: [("Range", "bytes=0-1")], now: Self.time)
        #expect(target.url == "https://public-data.s3.us-east-1.amazonaws.com/x.tif")
        #expect(Self.header("Authorization", in: target) == nil)
        #expect(Self.header("x-amz-date", in: target) == nil)
    }

    @Test func httpServersTakeThePathUnderTheirPrefix() throws {
        let plain = try Self.addresses("http://127.0.0.1:8081/images/")
            .request(method: "GET", path: "http://127.0.0.1:8081/images/sub/a b+c.tif", headers: [], now: 0)
        #expect(plain.url == "http://127.0.0.1:8081/images/sub/a%20b%2Bc.tif")
        #expect(plain.headers.isEmpty)
        let secure = try Self.addresses("https://example.org:443/iiif/")
            .request(method: "HEAD", path: "https://example.org:443/iiif/x.jp2", headers: [], now: 0)
        #expect(secure.url == "https://example.org/iiif/x.jp2")
    }
}
