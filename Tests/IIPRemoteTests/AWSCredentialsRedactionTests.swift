import Testing

@testable import IIPRemote

@Suite("AWSCredentials: the secret and token are never printed")
struct AWSCredentialsRedactionTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let token = "FwoGZXIvYXdzEXAMPLETOKEN"
    static let credentials = AWSCredentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: secret,
        sessionToken: token
    )

    /// Every way a value is commonly turned into text.
    static func renderings(of value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        let mirror = Mirror(reflecting: value).children.map { "\($0.label ?? ""):\($0.value)" }.joined()
        return [String(describing: value), String(reflecting: value), "\(value)", dumped, mirror, "\([value])"]
    }

    @Test("credentials show the access key id only")
    func credentialsRedacted() {
        #expect(
            Self.credentials.description
                == "AWSCredentials(accessKeyID: AKIAIOSFODNN7EXAMPLE, "
                + "secretAccessKey: <redacted>, sessionToken: <redacted>)"
        )
        #expect(
            AWSCredentials(accessKeyID: "A", secretAccessKey: "S").description
                == "AWSCredentials(accessKeyID: A, secretAccessKey: <redacted>)"
        )
        for text in Self.renderings(of: Self.credentials) {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains(Self.token))
            #expect(text.contains("AKIAIOSFODNN7EXAMPLE"))
        }
    }

    @Test("values holding credentials are redacted too")
    func holdersRedacted() {
        let holders: [Any] = [
            AWSAccess.signed(Self.credentials),
            AWSConfiguration(access: .signed(Self.credentials), credentialsSource: "environment"),
            SignatureV4(credentials: Self.credentials, region: "us-east-1"),
        ]
        for holder in holders {
            for text in Self.renderings(of: holder) {
                #expect(!text.contains(Self.secret), "\(type(of: holder))")
                #expect(!text.contains(Self.token), "\(type(of: holder))")
            }
        }
    }

    @Test("an empty session token counts as none")
    func emptyToken() {
        #expect(AWSCredentials(accessKeyID: "A", secretAccessKey: "S", sessionToken: "").sessionToken == nil)
    }
}
