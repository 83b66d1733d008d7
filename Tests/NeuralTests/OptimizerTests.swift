import XCTest
@testable import SeglabNeural

/// Two steps of each optimiser against values worked out by hand from the documented formulas.
/// The tolerance is the working precision's: in Float32 the coefficients themselves round
/// (1 − 0.9 is 0.100000024), which moves a parameter by ~1e-6 over two steps.
final class OptimizerTests: XCTestCase {
    private let tolerance = NeuralFloat.self == Double.self ? 1e-12 : 1e-5

    func testAdamStepsMatchHandComputedValues() {
        var adam = Adam(parameters: 2, learningRate: 0.1)
        var theta: [NeuralFloat] = [1, -2]
        adam.step(&theta, gradient: [0.5, -4])
        // Step 1: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g²: each parameter moves by lr · g/(|g| + ε).
        XCTAssertEqual(Double(theta[0]), 1 - 0.1 * 0.5 / (0.5 + 1e-8), accuracy: tolerance)
        XCTAssertEqual(Double(theta[1]), -2 + 0.1 * 4 / (4 + 1e-8), accuracy: tolerance)
        adam.step(&theta, gradient: [0.5, 2])
        // Step 2, second parameter: m = 0.9·(−0.4) + 0.1·2 = −0.16, v = 0.999·0.016 + 0.001·4 = 0.019984,
        // m̂ = −0.16 / 0.19, v̂ = 0.019984 / 0.001999; moves by −lr · m̂ / (√v̂ + ε).
        let mHat = -0.16 / 0.19, vHat = 0.019984 / (1 - 0.999 * 0.999)
        XCTAssertEqual(Double(theta[1]), -1.9 - 0.1 * mHat / (vHat.squareRoot() + 1e-8), accuracy: tolerance)
        // A constant gradient keeps moving by lr each step (m̂ = g, v̂ = g²).
        XCTAssertEqual(Double(theta[0]), 0.8, accuracy: tolerance)
        XCTAssertEqual(adam.steps, 2)
    }

    func testSGDMomentumStepsMatchHandComputedValues() {
        var sgd = SGDMomentum(parameters: 2, learningRate: 0.01, momentum: 0.9)
        var theta: [NeuralFloat] = [1, 1]
        sgd.step(&theta, gradient: [2, -1])        // b = g
        XCTAssertEqual(Double(theta[0]), 0.98, accuracy: tolerance)
        XCTAssertEqual(Double(theta[1]), 1.01, accuracy: tolerance)
        sgd.step(&theta, gradient: [1, 0])         // b = 0.9·b + g = (2.8, −0.9)
        XCTAssertEqual(Double(theta[0]), 0.98 - 0.028, accuracy: tolerance)
        XCTAssertEqual(Double(theta[1]), 1.01 + 0.009, accuracy: tolerance)
    }
}
