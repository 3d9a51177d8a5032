import Testing

@testable import IIPRemote

@Suite("AWSProfileFile")
struct AWSProfileFileTests {
    @Test("sections, comments, case-insensitive keys, trimming, CRLF")
    func basics() {
        let file = AWSProfileFile(
            parsing: "# top\r\n; also\r\nignored = before any section\r\n[default]   # comment\r\n"
                + "  Region =  eu-west-1  \r\nAWS_Access_Key_ID=AKID\r\nno separator\r\n\r\n[ spaced ]\r\nk: v\r\n"
        )
        #expect(file.sections["default"] == ["region": "eu-west-1", "aws_access_key_id": "AKID"])
        #expect(file.sections["spaced"] == ["k": "v"])
        #expect(file.sections.count == 2)
    }

    @Test("values keep '#' and ';', and '=' after the first")
    func valueCharacters() {
        let file = AWSProfileFile(parsing: "[p]\nsecret = ab#c;d=e\nurl = http://h:9000\n")
        #expect(file.sections["p"] == ["secret": "ab#c;d=e", "url": "http://h:9000"])
    }

    @Test("indented lines after a property are sub-properties, skipped")
    func subProperties() {
        let file = AWSProfileFile(
            parsing: "[profile p]\ns3 =\n    addressing_style = path\n    endpoint_url = http://x\nregion = r\n"
        )
        #expect(file.configProfile("p") == ["s3": "", "region": "r"])
    }

    @Test("repeated sections merge, later keys win")
    func repeated() {
        let file = AWSProfileFile(parsing: "[a]\nx=1\ny=1\n[b]\n[a]\ny=2\n")
        #expect(file.sections["a"] == ["x": "1", "y": "2"])
        #expect(file.sections["b"] == [:])
    }

    @Test("credentials files name profiles plainly; config files as 'profile NAME', except default")
    func profileNames() {
        let file = AWSProfileFile(
            parsing: "[default]\nr=1\nx=1\n[profile default]\nr=2\n[work]\nr=3\n[profile  work]\nr=4\n[profilex]\nr=5\n"
        )
        #expect(file.credentialsProfile("default") == ["r": "1", "x": "1"])
        #expect(file.credentialsProfile("work") == ["r": "3"])
        #expect(file.configProfile("default") == ["r": "2", "x": "1"])
        #expect(file.configProfile("work") == ["r": "4"])
        #expect(file.configProfile("x") == nil)
        #expect(file.configProfile("profilex") == nil)
    }
}
