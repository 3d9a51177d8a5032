import Foundation

/// The monitoring examples in `Config/`: the Grafana dashboard, the Prometheus configuration and its alert rules.
enum MonitoringFiles {
    static let dashboard = "Config/grafana/iipsrv-async-dashboard.json"
    static let prometheus = "Config/prometheus/iipsrv-async.yml"
    static let alerts = "Config/prometheus/alerts.yml"

    /// The absolute path of one of them.
    static func path(_ file: String) -> String { TestEnvironment.packageRoot + "/" + file }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// The dashboard as JSON.
    static func dashboardJSON() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(dashboard)))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Malformed(description: "\(dashboard) is not a JSON object")
        }
        return object
    }

    /// The dashboard's panels, rows included.
    static func panels() throws -> [[String: Any]] {
        guard let panels = try dashboardJSON()["panels"] as? [[String: Any]] else {
            throw Malformed(description: "\(dashboard) has no panels")
        }
        return panels
    }

    /// Every PromQL expression of every panel.
    static func dashboardExpressions() throws -> [String] {
        try panels().flatMap { panel in
            ((panel["targets"] as? [[String: Any]]) ?? []).compactMap { $0["expr"] as? String }
        }
    }

    /// Every `iip_…` series name the dashboard queries.
    static func dashboardNames() throws -> Set<String> {
        try dashboardExpressions().reduce(into: Set()) { $0.formUnion(MetricsContract.names(in: $1)) }
    }

    /// Every `iip_…` series name the alert rules query.
    static func alertNames() throws -> Set<String> {
        MetricsContract.names(in: try String(contentsOfFile: path(alerts), encoding: .utf8))
    }
}
