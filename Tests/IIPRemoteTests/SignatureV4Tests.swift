import Testing

@testable import IIPRemote

/// The AWS SigV4 test suite's request: AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service `service`.
/// Expected values are the suite's published `header-signed-request.txt` signatures
/// (awslabs/aws-c-auth, tests/aws-signing-test-suite/v4/<name>/), not values computed here.
private enum Suite {
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )
    static let signer = SignatureV4(credentials: credentials, region: "us-east-1", service: "service")
    static let time: Int64 = 1_440_938_160  // 2015-08-30T12:36:00Z
    static let host = "example.amazonaws.com"

    static func sign(
        path: String = "/",
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        signer: SignatureV4 = signer
    ) -> SignatureV4.SignedRequest {
        signer.sign(method: "GET", host: host, path: path, query: query, headers: headers, secondsSince1970: time)
    }
}

/// The S3 documentation's example keys (Signature Version 4, "Example: GET Object").
private enum S3Example {
    static let credentials = AWSCredentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    )
    static let time: Int64 = 1_369_353_600  // 2013-05-24T00:00:00Z
}

private func header(_ name: String, in signed: SignatureV4.SignedRequest) -> String? {
    signed.headers.first { $0.name.lowercased() == name.lowercased() }?.value
}

@Suite("SignatureV4: published AWS test suite vectors")
struct SignatureV4SuiteTests {
    @Test("get-vanilla")
    func getVanilla() {
        let signed = Suite.sign()
        #expect(
            header("Authorization", in: signed)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        )
        #expect(header("x-amz-date", in: signed) == "20150830T123600Z")
        // Not S3: no x-amz-content-sha256.
        #expect(header("x-amz-content-sha256", in: signed) == nil)
        #expect(signed.target == "/")
    }

    @Test("get-vanilla-query-order-key-case")
    func queryOrderKeyCase() {
        let signed = Suite.sign(query: [("Param2", "value2"), ("Param1", "value1")])
        #expect(signed.signature == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
        #expect(signed.target == "/?Param1=value1&Param2=value2")
    }

    @Test("get-vanilla-query-unreserved")
    func queryUnreserved() {
        let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        let signed = Suite.sign(query: [(unreserved, unreserved)])
        #expect(signed.signature == "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197")
    }

    @Test("get-vanilla-utf8-query")
    func utf8Query() {
        let signed = Suite.sign(query: [("\u{1234}", "bar")])
        #expect(signed.signature == "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04")
        #expect(signed.query == "%E1%88%B4=bar")
    }

    @Test("get-utf8")
    func utf8Path() {
        let signed = Suite.sign(path: "/\u{1234}")
        #expect(signed.signature == "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85")
        #expect(signed.path == "/%E1%88%B4")
    }

    @Test("get-unreserved")
    func unreservedPath() {
        let signed = Suite.sign(path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        #expect(signed.signature == "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f")
    }

    @Test("get-header-key-duplicate: repeated names join with commas, in order")
    func headerKeyDuplicate() {
        let signed = Suite.sign(headers: [("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")])
        #expect(signed.signedHeaders == "host;my-header1;x-amz-date")
        #expect(signed.signature == "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea")
    }

    @Test("get-header-value-trim: values trimmed, inner runs of spaces collapsed")
    func headerValueTrim() {
        let signed = Suite.sign(headers: [("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")])
        #expect(signed.signedHeaders == "host;my-header1;my-header2;x-amz-date")
        #expect(signed.signature == "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736")
    }

    @Test("get-vanilla-with-session-token: the token is sent and signed")
    func sessionToken() {
        let token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
        let signer = SignatureV4(
            credentials: AWSCredentials(
                accessKeyID: "AKIDEXAMPLE",
                secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                sessionToken: token
            ),
            region: "us-east-1",
            service: "service"
        )
        let signed = Suite.sign(signer: signer)
        #expect(header("x-amz-security-token", in: signed) == token)
        #expect(signed.signedHeaders == "host;x-amz-date;x-amz-security-token")
        #expect(signed.signature == "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8")
    }
}

@Suite("SignatureV4: S3")
struct SignatureV4S3Tests {
    /// The S3 documentation's "GET Object" example: bytes 0-9 of examplebucket/test.txt, empty-body payload hash.
    @Test("S3 documentation: GET Object with Range")
    func s3GetObjectExample() {
        let signer = SignatureV4(credentials: S3Example.credentials, region: "us-east-1")
        let signed = signer.sign(
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            path: "/test.txt",
            headers: [("Range", "bytes=0-9")],
            secondsSince1970: S3Example.time
        )
        #expect(
            header("Authorization", in: signed)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
        #expect(header("x-amz-content-sha256", in: signed) == SignatureV4.emptyPayloadHash)
        #expect(header("x-amz-date", in: signed) == "20130524T000000Z")
    }

    // The next three vectors come from botocore 1.43.11 (boto3 1.43.11), not from AWS documentation: its S3
    // client signed these requests with the time fixed at 2013-05-24T00:00:00Z, region eu-west-2, and the S3
    // example keys; the signatures, wire paths and queries below are what it produced.

    @Test("botocore: key with spaces, unicode and reserved characters; custom endpoint with a port")
    func botocoreUnicodeKey() {
        let signer = SignatureV4(credentials: S3Example.credentials, region: "eu-west-2")
        let signed = signer.sign(
            method: "GET",
            host: "127.0.0.1:9000",
            path: "/images/scans/My Folder/\u{1234} caf\u{E9}+x (1).tif",
            headers: [("Range", "bytes=100-199")],
            secondsSince1970: S3Example.time
        )
        #expect(signed.target == "/images/scans/My%20Folder/%E1%88%B4%20caf%C3%A9%2Bx%20%281%29.tif")
        #expect(signed.signedHeaders == "host;range;x-amz-content-sha256;x-amz-date")
        #expect(signed.signature == "f38f717444de3b13e5a84c506acd802a5262d5567da752be2696684333e43fe9")
    }

    @Test("botocore: query string and session token, virtual-hosted bucket")
    func botocoreQueryAndToken() {
        let credentials = AWSCredentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: "FwoGZXIvYXdzEXAMPLETOKEN/+="
        )
        let signer = SignatureV4(credentials: credentials, region: "eu-west-2")
        let signed = signer.sign(
            method: "GET",
            host: "examplebucket.s3.eu-west-2.amazonaws.com",
            path: "/a/b~c.jp2",
            query: [
                ("versionId", "3/L4kqtJl40Nr8X8gdRQBpUMLUo"),
                ("response-content-disposition", "attachment; filename=\"x y.jp2\""),
            ],
            headers: [("Range", "bytes=0-1023")],
            secondsSince1970: S3Example.time
        )
        #expect(
            signed.query
                == "response-content-disposition=attachment%3B%20filename%3D%22x%20y.jp2%22"
                + "&versionId=3%2FL4kqtJl40Nr8X8gdRQBpUMLUo"
        )
        #expect(signed.signedHeaders == "host;range;x-amz-content-sha256;x-amz-date;x-amz-security-token")
        #expect(signed.signature == "cb67e80c9a0392b70d815d67bf6a6467ef7b42360cec5800542a75ce8779fd88")
    }

    @Test("botocore: HEAD")
    func botocoreHead() {
        let signer = SignatureV4(credentials: S3Example.credentials, region: "eu-west-2")
        let signed = signer.sign(
            method: "HEAD",
            host: "minio.local:9000",
            path: "/images/pyramid.tif",
            secondsSince1970: S3Example.time
        )
        #expect(signed.signedHeaders == "host;x-amz-content-sha256;x-amz-date")
        #expect(signed.signature == "d3fecd20c77d71f3c6376e7acc41490d6b54cd20897c0516562275587751f618")
    }

    @Test("headers the signer owns are ignored when given")
    func signerOwnedHeadersIgnored() {
        let signer = SignatureV4(credentials: S3Example.credentials, region: "us-east-1")
        func sign(_ headers: [(name: String, value: String)]) -> SignatureV4.SignedRequest {
            signer.sign(
                method: "GET",
                host: "examplebucket.s3.amazonaws.com",
                path: "/test.txt",
                headers: headers,
                secondsSince1970: S3Example.time
            )
        }
        let plain = sign([("Range", "bytes=0-9")])
        let cluttered = sign([
            ("Range", "bytes=0-9"), ("Host", "evil.example"), ("X-Amz-Date", "19990101T000000Z"),
            ("Authorization", "x"), ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ])
        #expect(cluttered.signature == plain.signature)
        #expect(cluttered.headers.count == plain.headers.count)
    }

    @Test("UNSIGNED-PAYLOAD is sent as the content hash and changes the signature")
    func unsignedPayload() {
        let signer = SignatureV4(credentials: S3Example.credentials, region: "us-east-1")
        let signed = signer.sign(
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            path: "/test.txt",
            payloadHash: SignatureV4.unsignedPayload,
            secondsSince1970: S3Example.time
        )
        #expect(header("x-amz-content-sha256", in: signed) == "UNSIGNED-PAYLOAD")
        #expect(signed.signature != "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }
}

@Suite("SignatureV4: canonical forms")
struct SignatureV4CanonicalTests {
    @Test("S3 URI encoding: only unreserved bytes stay; slash kept in paths only")
    func uriEncoding() {
        #expect(SignatureV4.uriEncode("a b/c~d_e.f-g") == "a%20b%2Fc~d_e.f-g")
        #expect(SignatureV4.uriEncode("a b/c", keepingSlash: true) == "a%20b/c")
        #expect(SignatureV4.uriEncode("!*'();:@&=+$,?#[]%") == "%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%3F%23%5B%5D%25")
        #expect(SignatureV4.uriEncode("\u{E9}") == "%C3%A9")
    }

    @Test("paths: encoded once (no double encoding), dot segments and double slashes kept")
    func paths() {
        #expect(SignatureV4.canonicalPath("") == "/")
        #expect(SignatureV4.canonicalPath("key") == "/key")
        #expect(SignatureV4.canonicalPath("/b/a%20b") == "/b/a%2520b")
        #expect(SignatureV4.canonicalPath("/b/./x/../y//z") == "/b/./x/../y//z")
    }

    @Test("query: sorted by encoded name then value; empty values keep '='")
    func query() {
        #expect(SignatureV4.canonicalQuery([("b", "2"), ("a", "2"), ("a", "1"), ("A", "")]) == "A=&a=1&a=2&b=2")
        #expect(SignatureV4.canonicalQuery([]) == "")
    }

    @Test("header values: trimmed, runs of spaces and tabs collapsed")
    func headerValues() {
        #expect(SignatureV4.normalizedHeaderValue("  a \t  b  ") == "a b")
        #expect(SignatureV4.normalizedHeaderValue("") == "")
    }

    @Test(
        "signing time in UTC",
        arguments: [
            (Int64(1_440_938_160), "20150830T123600Z"),
            (1_369_353_600, "20130524T000000Z"),
            (951_868_799, "20000229T235959Z"),
            (4_107_542_400, "21000301T000000Z"),
            (0, "19700101T000000Z"),
            (-1, "19691231T235959Z"),
        ]
    )
    func signingTime(seconds: Int64, expected: String) {
        let time = SigningTime(secondsSince1970: seconds)
        #expect(time.dateTime == expected)
        #expect(time.date == String(expected.prefix(8)))
    }
}
