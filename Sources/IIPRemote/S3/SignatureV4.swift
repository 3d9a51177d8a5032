import Crypto
import IIPModel

/// AWS Signature Version 4 request signing with header-based authorization (`AWS4-HMAC-SHA256`).
///
/// The signer follows S3's rules, which are also what the generic SigV4 test suite expects for plain paths:
/// the path is URI-encoded once, segment by segment (no double encoding, no removal of `.` or `..` segments, `/`
/// kept), so the path to send is exactly the one signed: take it from ``SignedRequest/target``.
///
/// For the `s3` service the payload hash is also sent and signed as `x-amz-content-sha256`, as S3 requires;
/// other services sign without it, as in the SigV4 test suite.
package struct SignatureV4: Sendable, CustomStringConvertible {
    /// The SHA-256 of an empty body, the payload hash of a GET or HEAD request.
    package static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The payload hash S3 accepts in place of a body's SHA-256 when the body is not signed.
    package static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// The header names the signer sets itself; the same names given as request headers are ignored.
    package static let signerHeaderNames: Set<String> = [
        "host", "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token",
    ]

    /// The keys that sign the requests.
    package let credentials: AWSCredentials
    /// The region in the credential scope, such as `us-east-1`.
    package let region: String
    /// The service in the credential scope, such as `s3`.
    package let service: String

    /// A signer for one region and service.
    /// - Parameters:
    ///   - credentials: the keys that sign the requests.
    ///   - region: the region in the credential scope; S3-compatible stores that ignore regions accept `us-east-1`.
    ///   - service: the service in the credential scope.
    package init(credentials: AWSCredentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The signer's scope and access key id; never the secret or the session token.
    package var description: String {
        "SignatureV4(region: \(region), service: \(service), credentials: \(credentials))"
    }

    /// The result of signing: the path and query to send, and the headers to add to the request.
    package struct SignedRequest: Sendable {
        /// The URI-encoded path, as signed: send it unchanged.
        package let path: String
        /// The canonical (encoded, sorted) query string without `?`, empty when there is no query.
        package let query: String
        /// The headers to add to the request: `Authorization`, `x-amz-date`, `x-amz-content-sha256` (for S3) and
        /// `x-amz-security-token` (with a session token).
        package let headers: [(name: String, value: String)]
        /// The lowercase names of the signed headers, `;`-separated, as in the `Authorization` header.
        package let signedHeaders: String
        /// The hex signature, as in the `Authorization` header.
        package let signature: String

        /// The request target: ``path`` followed by `?` and ``query`` when there is a query.
        package var target: String { query.isEmpty ? path : path + "?" + query }
    }

    /// Signs a request.
    ///
    /// Every header given is signed and must be sent with the same value; leave out headers a proxy may change.
    /// `Host` is always signed, from `host`; the names in ``signerHeaderNames`` are set by the signer and ignored
    /// when given.
    /// - Parameters:
    ///   - method: the HTTP method, such as `GET` or `HEAD`.
    ///   - host: the `Host` header exactly as it will be sent: with `:port` when the port is not the scheme's
    ///     default, such as `127.0.0.1:9000`.
    ///   - path: the path, not yet URI-encoded, such as `/bucket/scans/my image.tif`; empty means `/`.
    ///   - query: the query parameters, names and values not yet URI-encoded.
    ///   - headers: other headers to sign, such as `Range`.
    ///   - payloadHash: the lowercase hex SHA-256 of the body, or ``unsignedPayload``.
    ///   - secondsSince1970: the signing time, in whole seconds since 1970-01-01T00:00:00Z (UTC).
    /// - Returns: the path, query and headers to send.
    package func sign(
        method: String,
        host: String,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        payloadHash: String = SignatureV4.emptyPayloadHash,
        secondsSince1970: Int64
    ) -> SignedRequest {
        let time = SigningTime(secondsSince1970: secondsSince1970)
        let encodedPath = Self.canonicalPath(path)
        let encodedQuery = Self.canonicalQuery(query)

        var added: [(name: String, value: String)] = [("x-amz-date", time.dateTime)]
        if service == "s3" {
            added.append(("x-amz-content-sha256", payloadHash))
        }
        if let token = credentials.sessionToken {
            added.append(("x-amz-security-token", token))
        }
        let given = headers.filter { !Self.signerHeaderNames.contains($0.name.lowercased()) }
        let canonical = Self.canonicalHeaders([("host", host)] + given + added)

        let canonicalRequest = [
            method, encodedPath, encodedQuery, canonical.block, canonical.names, payloadHash,
        ].joined(separator: "\n")
        let scope = "\(time.date)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", time.dateTime, scope, Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let signature = Self.hex(
            HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(date: time.date))
        )

        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(canonical.names), Signature=\(signature)"
        return SignedRequest(
            path: encodedPath,
            query: encodedQuery,
            headers: [("Authorization", authorization)] + added,
            signedHeaders: canonical.names,
            signature: signature
        )
    }

    /// The key derived from the secret for one day, region and service.
    private func signingKey(date: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    // MARK: Canonical forms

    /// URI-encodes `text` the S3 way: every byte of its UTF-8 except `A-Z a-z 0-9 - _ . ~` becomes `%XX`
    /// (uppercase hex); `/` too unless `keepingSlash`.
    package static func uriEncode(_ text: String, keepingSlash: Bool = false) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepingSlash && byte == UInt8(ascii: "/")) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The canonical URI of an unencoded path: each segment encoded once, `/` kept, empty meaning `/`.
    static func canonicalPath(_ path: String) -> String {
        if path.isEmpty { return "/" }
        let encoded = uriEncode(path, keepingSlash: true)
        return encoded.hasPrefix("/") ? encoded : "/" + encoded
    }

    /// The canonical query string: names and values encoded (`/` too), sorted by name then value, `name=value`
    /// joined by `&`.
    static func canonicalQuery(_ items: [(name: String, value: String)]) -> String {
        items.map { (name: uriEncode($0.name), value: uriEncode($0.value)) }
            .sorted { lhs, rhs in
                lhs.name == rhs.name
                    ? lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
                    : lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
            }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
    }

    /// The canonical headers block (`name:value\n` per header) and the signed header names (`;`-separated).
    ///
    /// Names are lowercased and sorted; values are trimmed and runs of spaces or tabs collapse to one space;
    /// repeated names are joined with `,` in the order given.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (block: String, names: String) {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            values[name.lowercased(), default: []].append(normalizedHeaderValue(value))
        }
        let names = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let block = names.map { "\($0):\(values[$0, default: []].joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    /// A header value trimmed, with each run of spaces and tabs collapsed to one space.
    static func normalizedHeaderValue(_ value: String) -> String {
        var result = ""
        var pendingSpace = false
        for character in value {
            if character == " " || character == "\t" {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(character)
            }
        }
        return result
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Lowercase hex of a sequence of bytes.
    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let hexDigits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A signing time in SigV4's two UTC forms, `YYYYMMDD'T'HHMMSS'Z'` and `YYYYMMDD`.
struct SigningTime: Sendable, Equatable {
    /// The time as `YYYYMMDDTHHMMSSZ`, the `x-amz-date` value.
    let dateTime: String
    /// The day as `YYYYMMDD`, for the credential scope.
    let date: String

    /// The UTC calendar form of a time in seconds since 1970 (proleptic Gregorian calendar).
    init(secondsSince1970 seconds: Int64) {
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilDate.civilDate(daysSince1970: days)

        func padded(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        date = padded(Int64(year), 4) + padded(Int64(month), 2) + padded(Int64(day), 2)
        dateTime =
            date + "T" + padded(secondOfDay / 3600, 2) + padded(secondOfDay % 3600 / 60, 2)
            + padded(secondOfDay % 60, 2) + "Z"
    }
}
