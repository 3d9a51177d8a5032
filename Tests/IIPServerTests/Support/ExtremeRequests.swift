import IIPTestSupport

/// Request targets that put extreme numbers into every numeric slot of every protocol (issue 8).
///
/// A template is a target with slots written `{default}`: the default is a sane value used when another slot is
/// the one under test. The generator fills slots with the extremes alone (one slot at a time), all at once, and in
/// seeded random combinations with each other and with the defaults.
enum ExtremeRequests {
    /// The numbers a hostile or broken client sends: signs, overflows of every integer width, IEEE-754 extremes and
    /// non-numbers, other bases, empty and very long digit strings, and sizes just past what formats hold (JPEG
    /// 65,500, JPEG 2000 2^24) or at the top of what the parsers accept (2^31-1).
    static let extremes: [String] = [
        "0", "-0", "-1", "1e308", "-1e308", "1e-320", "inf", "-inf", "nan", "2147483647", "2147483648", "4294967296",
        "65501", "16777217",
        "9223372036854775807", "-9223372036854775808", "99999999999999999999", "0x10", "",
        String(repeating: "9", count: 400), "1." + String(repeating: "0", count: 400) + "1",
    ]

    /// Every command and route that takes a number, with sane defaults for the other slots.
    ///
    /// IIP targets go to `/fcgi-bin/iipsrv.fcgi` (the path nginx's example routes to FastCGI); `IMAGE` is
    /// replaced by a fixture name.
    static let templates: [String] = [
        // IIP outputs (iipsrv-reference §3): tiles, tile ranges, legacy tiles, exports.
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&JTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&PTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&WTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&TTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&ATL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&JTLS={0},{1},{0},{90}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&TIL={1},{0}-{1}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&SPECTRA={1},{0},{5},{5}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&PFL={1}:{0},{0}-{10},{10}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&WID={200}&CVT=jpeg",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&HEI={150}&CVT=jpeg",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&WID={200}&HEI={150}&CVT=png",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&RGN={0.1},{0.1},{0.5},{0.5}&WID={120}&CVT=jpeg",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&RGN={0},{0},{1},{1}&HEI={90}&CVT=webp",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&RGN={0.2},{0.2},{0.3},{0.3}&WID={100}&CVT=tiff",
        // IIP setters applied to tiles and exports (§2).
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&QLT={80}&JTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&QLT={80}&WID={100}&CVT=jpeg",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&QLT={50}&ATL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&QLT={75}&WID=100&CVT=jxl",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&SDS={0},{90}&JTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&MINMAX={1}:{0},{255}&JTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&CNT={1.5}&JTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&GAM={2}&JTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&ROT={90}&JTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&ROT=!{45}&JTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&ROT={30}&WID={100}&CVT=jpeg",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&ROT={30}&WID={100}&CVT=png",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&SHD={30},{45}&JTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&CTW=[{1},{0},{0};{0},{1},{0};{0},{0},{1}]&JTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&CTW=[{0.3},{0.6},{0.1}]&WID={100}&CVT=jpeg",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&CNV=[{0},{1},{0},{1},{-4},{1},{0},{1},{0}]&JTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&LYR={1}&JTL={1},{0}",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&CNT={2}&GAM={0.5}&MINMAX={1}:{10},{200}&ROT={180}&WID={150}&CVT=jpeg",
        "/fcgi-bin/iipsrv.fcgi?FIF=IMAGE&SDS={0},{90}&OBJ=Resolution-number",
        // Path-style protocols through IIP's own parameters (§3.6-3.8).
        "/fcgi-bin/iipsrv.fcgi?Zoomify=IMAGE/TileGroup{0}/{1}-{0}-{0}.jpg",
        "/fcgi-bin/iipsrv.fcgi?DeepZoom=IMAGE_files/{9}/{0}_{0}.jpg",
        "/fcgi-bin/iipsrv.fcgi?IIIF=IMAGE/{0},{0},{256},{256}/{128},/{0}/default.jpg",
        // IIIF Image API paths (region, size, rotation).
        "/iiif/IMAGE/{10},{20},{300},{200}/max/0/default.jpg",
        "/iiif/IMAGE/pct:{10},{10},{50},{50}/max/0/default.jpg",
        "/iiif/IMAGE/full/{200},/0/default.jpg",
        "/iiif/IMAGE/full/,{150}/0/default.jpg",
        "/iiif/IMAGE/full/{200},{150}/0/default.png",
        "/iiif/IMAGE/full/!{200},{150}/0/default.jpg",
        "/iiif/IMAGE/full/^{200},{150}/0/default.jpg",
        "/iiif/IMAGE/full/^{2000},/0/default.jpg",
        "/iiif/IMAGE/full/pct:{25}/0/default.jpg",
        "/iiif/IMAGE/full/^pct:{150}/0/default.webp",
        "/iiif/IMAGE/full/max/{90}/default.jpg",
        "/iiif/IMAGE/full/{100},/!{33}/default.png",
        "/iiif/IMAGE/square/{100},/{0}/gray.jpg",
        "/iiif/IMAGE/{0},{0},{512},{512}/{256},/{0}/default.jpg",
        "/iiif/IMAGE/pct:{0},{0},{100},{100}/pct:{10}/{270}/bitonal.png",
        // DeepZoom and Zoomify paths.
        "/deepzoom/IMAGE_files/{9}/{0}_{0}.jpg",
        "/deepzoom/IMAGE_files/{1}/{0}_{0}.png",
        "/zoomify/IMAGE/TileGroup{0}/{1}-{0}-{0}.jpg",
    ]

    /// The images the requests go to: 8-bit JPEG tiles with edges, 16-bit, grey.
    static let images = ["rgb-jpeg-odd.tif", "rgb16-deflate.tif", "grey-lzw.tif"]

    /// One template split into its fixed text and its slots.
    struct Template {
        /// Fixed text around the slots: `parts.count == defaults.count + 1`.
        var parts: [String]
        /// Each slot's sane value.
        var defaults: [String]

        init(_ text: String) {
            var parts: [String] = []
            var defaults: [String] = []
            var current = ""
            var slot: String?
            for character in text {
                if let open = slot {
                    if character == "}" {
                        defaults.append(open)
                        parts.append(current)
                        current = ""
                        slot = nil
                    } else {
                        slot = open + String(character)
                    }
                } else if character == "{" {
                    slot = ""
                } else {
                    current.append(character)
                }
            }
            parts.append(current)
            self.parts = parts
            self.defaults = defaults
        }

        /// The target with `values` in the slots, for `image`.
        func fill(_ values: [String], image: String) -> String {
            var target = parts[0]
            for (index, value) in values.enumerated() { target += value + parts[index + 1] }
            return target.replacingOccurrences(of: "IMAGE", with: image)
        }
    }

    /// Every target: each extreme alone in each slot (on the first image), every slot of a template holding the
    /// same extreme, and `combinations` seeded random mixes per template over all images.
    static func targets(seed: UInt64, combinations: Int) -> [String] {
        var targets: [String] = []
        var random = TestPattern.Generator(seed: seed)
        for text in templates {
            let template = Template(text)
            // Alone: one slot extreme, the others sane.
            for slot in template.defaults.indices {
                for value in extremes {
                    var values = template.defaults
                    values[slot] = value
                    targets.append(template.fill(values, image: images[0]))
                }
            }
            // All slots extreme at once.
            if template.defaults.count > 1 {
                for value in extremes {
                    targets.append(
                        template.fill(Array(repeating: value, count: template.defaults.count), image: images[0]))
                }
            }
            // Random combinations with each other and with sane values, on every image.
            for _ in 0..<combinations {
                let values = template.defaults.map { sane in
                    Int.random(in: 0..<3, using: &random) == 0
                        ? sane : extremes[Int.random(in: 0..<extremes.count, using: &random)]
                }
                targets.append(template.fill(values, image: images[Int.random(in: 0..<images.count, using: &random)]))
            }
        }
        return targets
    }
}
