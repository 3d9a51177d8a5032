import Foundation

/// A promtool rule unit test (`promtool test rules`) for `Config/prometheus/alerts.yml`: synthetic series for an
/// instance that misbehaves in every way the rules watch ("bad": 10% 5xx, 1 rejection/s, a memcached server down,
/// image answers taking seconds), one that is healthy ("good", whose slow probes are not image answers) and one that
/// does not answer its scrape ("gone"). Each rule must fire for its instance only, with its summary, and only after
/// its `for`.
enum AlertRuleTests {
    /// The test file, loading the rules at `alerts`.
    static func text(alerts: String) -> String {
        """
            rule_files:
              - \(alerts)
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:
                  - series: 'up{job="iipsrv-async",instance="bad"}'
                    values: '1x30'
                  - series: 'up{job="iipsrv-async",instance="good"}'
                    values: '1x30'
                  - series: 'up{job="iipsrv-async",instance="gone"}'
                    values: '0x30'
                  - series: 'iip_requests_total{job="iipsrv-async",instance="bad",protocol="iip",frontend="fastcgi",status="5xx"}'
                    values: '0+6x30'
                  - series: 'iip_requests_total{job="iipsrv-async",instance="bad",protocol="iip",frontend="fastcgi",status="2xx"}'
                    values: '0+54x30'
                  - series: 'iip_requests_total{job="iipsrv-async",instance="good",protocol="iip",frontend="fastcgi",status="5xx"}'
                    values: '0x30'
                  - series: 'iip_requests_total{job="iipsrv-async",instance="good",protocol="iip",frontend="fastcgi",status="2xx"}'
                    values: '0+60x30'
                  - series: 'iip_requests_rejected_total{job="iipsrv-async",instance="bad"}'
                    values: '0+60x30'
                  - series: 'iip_requests_rejected_total{job="iipsrv-async",instance="good"}'
                    values: '0x30'
                  - series: 'iip_memcached_servers_down{job="iipsrv-async",instance="bad"}'
                    values: '1x30'
                  - series: 'iip_memcached_servers_down{job="iipsrv-async",instance="good"}'
                    values: '0x30'
                  - series: 'iip_request_duration_seconds_bucket{job="iipsrv-async",instance="bad",protocol="iip",le="0.5"}'
                    values: '0x30'
                  - series: 'iip_request_duration_seconds_bucket{job="iipsrv-async",instance="bad",protocol="iip",le="5"}'
                    values: '0+60x30'
                  - series: 'iip_request_duration_seconds_bucket{job="iipsrv-async",instance="bad",protocol="iip",le="+Inf"}'
                    values: '0+60x30'
                  - series: 'iip_request_duration_seconds_bucket{job="iipsrv-async",instance="good",protocol="iip",le="0.5"}'
                    values: '0+60x30'
                  - series: 'iip_request_duration_seconds_bucket{job="iipsrv-async",instance="good",protocol="iip",le="5"}'
                    values: '0+60x30'
                  - series: 'iip_request_duration_seconds_bucket{job="iipsrv-async",instance="good",protocol="iip",le="+Inf"}'
                    values: '0+60x30'
                  # The probes are slow on the good instance, but they are not image answers.
                  - series: 'iip_request_duration_seconds_bucket{job="iipsrv-async",instance="good",protocol="admin",le="5"}'
                    values: '0x30'
                  - series: 'iip_request_duration_seconds_bucket{job="iipsrv-async",instance="good",protocol="admin",le="+Inf"}'
                    values: '0+60x30'
                alert_rule_test:
                  - eval_time: 20m
                    alertname: IIPSrvAsyncDown
                    exp_alerts:
                      - exp_labels: {severity: critical, job: iipsrv-async, instance: gone}
                        exp_annotations: {summary: "iipsrv-async gone does not answer /metrics"}
                  - eval_time: 20m
                    alertname: IIPSrvAsyncServerErrors
                    exp_alerts:
                      - exp_labels: {severity: warning, instance: bad}
                        exp_annotations: {summary: "iipsrv-async bad: 10% of answers are 5xx"}
                  - eval_time: 20m
                    alertname: IIPSrvAsyncRejectingRequests
                    exp_alerts:
                      - exp_labels: {severity: warning, instance: bad}
                        exp_annotations: {summary: "iipsrv-async bad rejects 1 requests/s (queue full)"}
                  - eval_time: 20m
                    alertname: IIPSrvAsyncMemcachedServerDown
                    exp_alerts:
                      - exp_labels: {severity: warning, instance: bad}
                        exp_annotations: {summary: "iipsrv-async bad sees 1 memcached server(s) down"}
                  - eval_time: 20m
                    alertname: IIPSrvAsyncSlowAnswers
                    exp_alerts:
                      - exp_labels: {severity: warning, instance: bad}
                        exp_annotations: {summary: "iipsrv-async bad: 95% of image answers take up to 4.775s"}
                  # Before the conditions have lasted their `for`, nothing fires but the instance that is down.
                  - eval_time: 4m
                    alertname: IIPSrvAsyncServerErrors
                    exp_alerts: []
                  - eval_time: 4m
                    alertname: IIPSrvAsyncMemcachedServerDown
                    exp_alerts: []
        """
    }
}
