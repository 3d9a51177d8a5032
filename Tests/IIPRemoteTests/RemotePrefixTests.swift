import IIPRemote
import Testing

/// FILESYSTEM_PREFIX as a URL: what names a store, and what is refused.
@Suite struct RemotePrefixTests {
    @Test func localFoldersAreNotStores() throws {
        #expect(try RemotePrefix("/srv/images/") == nil)
        #expect(try RemotePrefix("") == nil)
        #expect(try RemotePrefix("images/") == nil)
    }

    @Test func s3PrefixesNameABucketAndAKeyPrefix() throws {
        let prefix = try #require(try RemotePrefix("s3://my-bucket/scans/2024/"))
        #expect(prefix.kind == .s3(bucket: "my-bucket"))
        #expect(prefix.keyPrefix == "scans/2024/")
        #expect(try RemotePrefix("s3://my-bucket/")?.keyPrefix == "")
    }

    @Test func httpPrefixesNameAHostPortAndPath() throws {
        let prefix = try #require(try RemotePrefix("http://127.0.0.1:8081/images/"))
        #expect(prefix.kind == .http(scheme: "http", host: "127.0.0.1", port: 8081))
        #expect(prefix.keyPrefix == "/images/")
        #expect(try RemotePrefix("https://example.org")?.keyPrefix == "/")
    }

    @Test(arguments: [
        "ftp://host/images/", "s3:///images/", "s3://Bad_Bucket/", "http://user:secret@host/images/",
        "http://host:99999/", "http://host/images/?x=1", "https://:443/",
    ])
    func unusableURLsAreRefused(_ text: String) {
        #expect(throws: RemoteStoreError.self) { _ = try RemotePrefix(text) }
    }

    // Credentials never appear in what the refusal says.
    @Test func aRefusalDoesNotRepeatCredentials() {
        #expect {
            _ = try RemotePrefix("http://user:topsecret@host/images/")
        } throws: { error in
            !"\(error)".contains("topsecret")
        }
    }
}
