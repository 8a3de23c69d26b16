import Testing

@testable import Gateway

@Suite struct MetricsTests {
    @Test func rendersCountersHistogramsAndGauges() {
        let metrics = Metrics(gauges: { [("cortensor_edge_open_connections", "Open connections.", 3)] })
        metrics.recordRequest(route: "/api/v1/tasks/{sid}", status: 200, duration: .milliseconds(3))
        metrics.recordRequest(route: "/api/v1/tasks/{sid}", status: 200, duration: .milliseconds(700))
        metrics.recordUpstreamOutcome(miner: "m\"1", outcome: "ok")
        metrics.recordUpstreamFirstByte(miner: "m\"1", after: .milliseconds(20))
        metrics.recordRateLimited()
        let text = metrics.render()
        #expect(text.contains("cortensor_edge_requests_total{route=\"/api/v1/tasks/{sid}\",status=\"200\"} 2\n"))
        #expect(
            text.contains(
                "cortensor_edge_request_duration_seconds_bucket{route=\"/api/v1/tasks/{sid}\",le=\"0.005\"} 1\n"))
        #expect(
            text.contains(
                "cortensor_edge_request_duration_seconds_bucket{route=\"/api/v1/tasks/{sid}\",le=\"1.0\"} 2\n"))
        #expect(text.contains("cortensor_edge_request_duration_seconds_count{route=\"/api/v1/tasks/{sid}\"} 2\n"))
        #expect(text.contains("cortensor_edge_upstream_requests_total{miner=\"m\\\"1\",outcome=\"ok\"} 1\n"))
        #expect(text.contains("cortensor_edge_upstream_first_byte_seconds_bucket{miner=\"m\\\"1\",le=\"0.025\"} 1\n"))
        #expect(text.contains("cortensor_edge_rate_limited_total 1\n"))
        #expect(text.contains("# TYPE cortensor_edge_open_connections gauge\ncortensor_edge_open_connections 3.0\n"))
    }

    @Test func gaugesWithLabelsShareOneFamilyDescription() {
        let footprint = StateFootprint(tasks: 7, taskBytes: 3584, blockBytes: 2048, maxBytes: 8 << 20)
        let text = Metrics(gauges: { footprint.gauges }).render()
        let family = "cortensor_edge_state_bytes"
        #expect(text.ranges(of: "# TYPE \(family) gauge\n").count == 1)
        #expect(text.contains("# HELP \(family) Bytes of the state directory by kind"))
        #expect(text.contains("\(family){kind=\"tasks\"} 3584.0\n\(family){kind=\"blocks\"} 2048.0\n"))
        #expect(text.contains("# TYPE cortensor_edge_tasks_kept gauge\ncortensor_edge_tasks_kept 7.0\n"))
        #expect(text.contains("cortensor_edge_state_max_bytes 8388608.0\n"))
        #expect(!text.contains("# TYPE \(family){"))
    }

    @Test func bucketsAreCumulative() {
        var histogram = Histogram()
        for seconds in [0.0001, 0.002, 0.002, 400] { histogram.observe(seconds) }
        var text = ""
        histogram.render(name: "h", labels: "", into: &text)
        #expect(text.contains("h_bucket{le=\"0.0005\"} 1\n"))
        #expect(text.contains("h_bucket{le=\"0.0025\"} 3\n"))
        #expect(text.contains("h_bucket{le=\"300.0\"} 3\n"))
        #expect(text.contains("h_bucket{le=\"+Inf\"} 4\n"))
        #expect(text.contains("h_count 4\n"))
    }
}
