import Testing
import Upstream

@testable import Gateway

@Suite struct UpstreamErrorAPITests {
    /// A pool may list hundreds of models: the 404 names the first 20 and how many more, and a hostile requested
    /// name is cut.
    @Test func modelNotFoundNamesABoundedList() {
        let available = (0..<300).map { "model-\($0)" }
        let error = UpstreamError.modelNotFound(model: String(repeating: "x", count: 5000), available: available)
            .apiError
        #expect(error.status == 404 && error.code == "model_not_found")
        #expect(error.message.contains("model-19, ") == false && error.message.contains("model-18, model-19"))
        #expect(error.message.hasSuffix(" and 280 more") && error.message.count < 1000)
    }

    /// The 504 names the miner waited on and every miner tried before it, with why.
    @Test func deadlineExceededNamesTheMinersTried() {
        let error = UpstreamError.deadlineExceeded(
            miner: "m1", attempts: [UpstreamAttemptFailure(minerID: "m2", reason: .httpStatus(500))]
        ).apiError
        #expect(error.status == 504)
        #expect(error.message == "the request deadline passed waiting for miner m1; tried: m2: HTTP status 500")
    }
}
