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
