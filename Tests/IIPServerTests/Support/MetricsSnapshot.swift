import Foundation

/// One `/metrics` answer as prometheus_client's parser read it (``MetricsParser``): its families and their samples.
struct MetricsSnapshot: Sendable, Decodable {
    /// A metric family: its name (prometheus_client drops a counter's `_total`), type, help and samples.
    struct Family: Sendable, Decodable {
        var name: String
        var type: String
        var help: String
        var samples: [Sample]
    }

    /// One sample: the series name as written, its labels and its value.
    struct Sample: Sendable, Decodable {
        var name: String
        var labels: [String: String]
        var value: Double

        private enum CodingKeys: String, CodingKey { case name, labels, value }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            labels = try container.decode([String: String].self, forKey: .labels)
            // parse.py writes +Inf, -Inf and NaN as strings.
            if let number = try? container.decode(Double.self, forKey: .value) {
                value = number
            } else {
                let text = try container.decode(String.self, forKey: .value)
                value = text == "+Inf" ? .infinity : text == "-Inf" ? -.infinity : .nan
            }
        }
    }

    var families: [Family]

    /// Every sample of every family.
    var samples: [Sample] { families.flatMap(\.samples) }

    /// Every series name present.
    var seriesNames: Set<String> { Set(samples.map(\.name)) }

    /// The sum of the samples named `name` whose labels include `labels` (0 when there are none).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }.reduce(0) { $0 + $1.value }
    }

    /// Whether any sample is named `name`.
    func has(_ name: String) -> Bool { samples.contains { $0.name == name } }
}
