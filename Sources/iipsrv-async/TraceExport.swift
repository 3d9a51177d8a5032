import IIPPipeline
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// OpenTelemetry tracing: on when OTEL_EXPORTER_OTLP_ENDPOINT names a collector, off (no tracer, no exporter, no
/// cost) otherwise.
enum TraceExport {
    /// Installs swift-otel's tracer with its OTLP exporter when tracing is configured, and returns the services that
    /// export the spans (they run beside the server and flush on shutdown); none when tracing is off.
    ///
    /// Only traces are sent: metrics have `/metrics`, logs LOGFILE. The other OTEL_* variables are swift-otel's
    /// (protocol, headers, sampler, service name, batch sizes).
    static func bootstrap(_ configuration: ServerConfiguration, logger: Logger) throws -> [any Service] {
        guard configuration.tracing else { return [] }
        var otel = OTel.Configuration.default
        otel.serviceName = "iipsrv-async"
        otel.traces.enabled = true
        otel.metrics.enabled = false
        otel.logs.enabled = false
        otel.traces.otlpExporter.protocol = .httpProtobuf
        let backend = try OTel.makeTracingBackend(configuration: otel)
        InstrumentationSystem.bootstrap(backend.factory)
        logger.info(
            "Tracing: OTLP spans to \(configuration.otlpEndpoint)", metadata: ["service": "\(otel.serviceName)"])
        return [backend.service]
    }
}
