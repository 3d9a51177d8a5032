import Testing

@testable import FastCGI

@Suite("Address parsing")
struct FastCGIAddressTests {
    @Test(
        "Parses every supported form",
        arguments: [
            ("127.0.0.1:9000", FastCGIAddress.tcp(host: "127.0.0.1", port: 9000)),
            (":9000", .tcp(host: "0.0.0.0", port: 9000)),
            ("localhost:9000", .tcp(host: "localhost", port: 9000)),
            ("[::1]:9000", .tcp(host: "::1", port: 9000)),
            ("[::]:0", .tcp(host: "::", port: 0)),
            ("  0.0.0.0:65535 ", .tcp(host: "0.0.0.0", port: 65535)),
            ("/run/iipsrv.sock", .unixSocket(path: "/run/iipsrv.sock")),
            ("/tmp/fcgi", .unixSocket(path: "/tmp/fcgi")),
            ("./iipsrv.sock", .unixSocket(path: "./iipsrv.sock")),
            (".iipsrv", .unixSocket(path: ".iipsrv")),
            ("iipsrv.sock", .unixSocket(path: "iipsrv.sock")),
            ("run/with:colon", .unixSocket(path: "run/with:colon")),
        ]
    )
    func parses(input: String, expected: FastCGIAddress) throws {
        #expect(try FastCGIAddress(parsing: input) == expected)
    }

    @Test(
        "Rejects garbage with a specific error",
        arguments: [
            ("", FastCGIAddressParsingError.empty),
            ("   ", .empty),
            ("localhost", .missingPort("localhost")),
            ("9000", .missingPort("9000")),
            ("host:", .invalidPort("host:")),
            (":", .invalidPort(":")),
            ("host:http", .invalidPort("host:http")),
            ("host:-1", .invalidPort("host:-1")),
            ("host:+80", .invalidPort("host:+80")),
            ("host:65536", .invalidPort("host:65536")),
            ("host:99999999999999999999999", .invalidPort("host:99999999999999999999999")),
            ("::1:9000", .invalidHost("::1:9000")),
            ("[::1:9000", .invalidHost("[::1:9000")),
            ("[]:9000", .invalidHost("[]:9000")),
            ("::1]:9000", .invalidHost("::1]:9000")),
            ("my host:9000", .invalidHost("my host:9000")),
        ]
    )
    func rejects(input: String, expected: FastCGIAddressParsingError) {
        #expect(throws: expected) {
            try FastCGIAddress(parsing: input)
        }
    }

    @Test("Error messages name the input")
    func errorMessages() {
        #expect(FastCGIAddressParsingError.invalidPort("host:http").description.contains("'host:http'"))
        #expect(FastCGIAddressParsingError.empty.description.contains("host:port"))
    }

    @Test("The description is parseable again", arguments: ["127.0.0.1:9000", "[::1]:80", "/run/x.sock"])
    func descriptionRoundTrips(input: String) throws {
        let address = try FastCGIAddress(parsing: input)
        #expect(try FastCGIAddress(parsing: address.description) == address)
    }
}
