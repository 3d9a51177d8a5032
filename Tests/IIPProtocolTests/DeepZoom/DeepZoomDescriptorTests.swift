import Foundation
import IIPProtocol
import IIPTestSupport
import Testing

// iipsrv-reference §3.7 (.dzi, master)
@Suite("DeepZoom descriptor")
struct DeepZoomDescriptorTests {
    @Test("XML exactly as iipsrv master")
    func xml() {
        #expect(
            DeepZoomDescriptor.xml(width: 1000, height: 700, tileSize: 256)
                == "<Image xmlns=\"http://schemas.microsoft.com/deepzoom/2008\" TileSize=\"256\" Overlap=\"0\" "
                + "Format=\"jpg\"><Size Width=\"1000\" Height=\"700\"/></Image>")
        #expect(
            DeepZoomLayout(image: TestImages.rgb).descriptorXML
                == DeepZoomDescriptor.xml(width: 1000, height: 700, tileSize: 256))
        #expect(
            DeepZoomDescriptor.xml(width: 1013, height: 677, tileSize: 512, format: "png")
                == "<Image xmlns=\"http://schemas.microsoft.com/deepzoom/2008\" TileSize=\"512\" Overlap=\"0\" "
                + "Format=\"png\"><Size Width=\"1013\" Height=\"677\"/></Image>")
        #expect(
            DeepZoomDescriptor.xml(width: 1, height: 1, tileSize: 1, format: "a\"<&").contains(
                "Format=\"a&quot;&lt;&amp;\""))
        #expect(DeepZoomDescriptor.xmlMediaType == "application/xml")
    }

    @Test("JSON form")
    func json() throws {
        let text = DeepZoomDescriptor.json(width: 1000, height: 700, tileSize: 256)
        #expect(
            text
                == "{\"Image\":{\"xmlns\":\"http://schemas.microsoft.com/deepzoom/2008\","
                + "\"Format\":\"jpg\",\"Overlap\":0,"
                + "\"TileSize\":256,\"Size\":{\"Width\":1000,\"Height\":700}}}")
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let image = try #require(object?["Image"] as? [String: Any])
        #expect((image["Size"] as? [String: Int])?["Width"] == 1000)
    }
}
