import Foundation
import Testing

/// The monitoring examples (issue 13, item 7): the Grafana dashboard (`Config/grafana/iipsrv-async-dashboard.json`)
/// imports as a dashboard on the Prometheus data source the user picks, every panel queries valid PromQL over the
/// metrics contract and nothing else, and promtool accepts the Prometheus configuration and its alert rules, which
/// fire on the series they are written for. `MetricsEndpointTests` checks that the running server exposes every name.
@Suite("Monitoring configuration")
struct MonitoringConfigTests {
    static let datasource = "${DS_PROMETHEUS}"

    // The dashboard is what Grafana's import asks for: a data source input, the instance variable, panels that
    // each query that data source, ids unique, no two panels on the same cells.
    @Test func dashboardIsAnImportableGrafanaDashboard() throws {
        let dashboard = try MonitoringFiles.dashboardJSON()
        #expect((dashboard["schemaVersion"] as? Int ?? 0) >= 36)
        #expect(dashboard["uid"] as? String == "iipsrv-async")
        let inputs = dashboard["__inputs"] as? [[String: Any]] ?? []
        #expect(
            inputs.contains { $0["name"] as? String == "DS_PROMETHEUS" && $0["pluginId"] as? String == "prometheus" })
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        let names = variables.compactMap { $0["name"] as? String }
        #expect(names.contains("DS_PROMETHEUS") && names.contains("instance"), "\(names)")

        let panels = try MonitoringFiles.panels()
        let graphs = panels.filter { $0["type"] as? String != "row" }
        #expect(graphs.count >= 15)
        for panel in graphs {
            let title = panel["title"] as? String ?? "?"
            #expect((panel["datasource"] as? [String: Any])?["uid"] as? String == Self.datasource, "\(title)")
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty, "\(title) has no targets")
            for target in targets {
                let expression = target["expr"] as? String ?? ""
                #expect(!MetricsContract.names(in: expression).isEmpty, "\(title): \(expression)")
                // Every query follows the instance variable.
                #expect(expression.contains("instance=~\"$instance\""), "\(title): \(expression)")
                #expect((target["datasource"] as? [String: Any])?["uid"] as? String == Self.datasource, "\(title)")
            }
        }
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count)
        let cells = panels.map { Self.cells(of: $0) }
        for first in cells.indices {
            for second in cells.indices where second > first {
                #expect(cells[first].isDisjoint(with: cells[second]), "panels \(first) and \(second) overlap")
            }
        }
    }

    // The dashboard queries every metric of the contract, and only those (histograms through _bucket, _sum, _count).
    @Test func dashboardCoversTheContractAndNothingElse() throws {
        let names = try MonitoringFiles.dashboardNames()
        let unknown = names.filter { MetricsContract.metric(ofSeries: $0) == nil }
        #expect(unknown.isEmpty, "not in the contract: \(unknown.sorted())")
        let covered = Set(names.compactMap { MetricsContract.metric(ofSeries: $0) })
        let missing = Set(MetricsContract.metrics.keys).subtracting(covered)
        #expect(missing.isEmpty, "no panel shows: \(missing.sorted())")
        let alerts = try MonitoringFiles.alertNames()
        #expect(!alerts.isEmpty)
        #expect(alerts.allSatisfy { MetricsContract.metric(ofSeries: $0) != nil }, "\(alerts.sorted())")
    }

    // Every panel's query is valid PromQL: promtool parses each as a recording rule, with Grafana's variables
    // replaced by what Grafana sends.
    @Test func dashboardQueriesAreValidPromQL() async throws {
        let expressions = try MonitoringFiles.dashboardExpressions()
        #expect(!expressions.isEmpty)
        var rules = "groups:\n  - name: dashboard\n    rules:\n"
        for (index, expression) in expressions.enumerated() {
            let concrete =
                expression
                .replacingOccurrences(of: "$__rate_interval", with: "1m")
                .replacingOccurrences(of: "$instance", with: ".*")
            let quoted = concrete.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            rules += "      - record: dashboard:query\(index)\n        expr: \"\(quoted)\"\n"
        }
        let folder = try TestEnvironment.temporaryFolder("dashboard-promql")
        try rules.write(toFile: folder + "/rules.yml", atomically: true, encoding: .utf8)
        let check = try await Promtool.run(["check", "rules", folder + "/rules.yml"])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("SUCCESS: \(expressions.count) rules found"), "\(check.output)")
    }

    // promtool accepts the Prometheus example as a whole prometheus.yml (which loads the alert rules) and the rules.
    @Test func promtoolAcceptsTheConfigurationAndTheAlerts() async throws {
        let config = try await Promtool.run(["check", "config", MonitoringFiles.path(MonitoringFiles.prometheus)])
        #expect(config.status == 0, "\(config.output)")
        #expect(config.output.contains("SUCCESS: 1 rule files found"), "\(config.output)")
        let rules = try await Promtool.run(["check", "rules", MonitoringFiles.path(MonitoringFiles.alerts)])
        #expect(rules.status == 0, "\(rules.output)")
        #expect(rules.output.contains("SUCCESS: 5 rules found"), "\(rules.output)")
    }

    // The alerts fire on the series they are written for, and stay quiet on a healthy instance: promtool's rule
    // unit tests over synthetic series (one instance failing 10% of its answers with 5xx, rejecting 1 request/s,
    // one memcached server down, slow; another healthy).
    @Test func alertsFireOnTheirConditionsOnly() async throws {
        let folder = try TestEnvironment.temporaryFolder("alert-tests")
        try AlertRuleTests.text(alerts: MonitoringFiles.path(MonitoringFiles.alerts))
            .write(toFile: folder + "/tests.yml", atomically: true, encoding: .utf8)
        let test = try await Promtool.run(["test", "rules", folder + "/tests.yml"])
        #expect(test.status == 0, "\(test.output)")
        #expect(test.output.contains("SUCCESS"), "\(test.output)")
    }

    /// The grid cells (24 columns) a panel covers.
    static func cells(of panel: [String: Any]) -> Set<[Int]> {
        let grid = panel["gridPos"] as? [String: Int] ?? [:]
        let (x, y, width, height) = (grid["x"] ?? 0, grid["y"] ?? 0, grid["w"] ?? 0, grid["h"] ?? 0)
        var cells: Set<[Int]> = []
        for column in x..<(x + width) {
            for row in y..<(y + height) { cells.insert([column, row]) }
        }
        return cells
    }
}
