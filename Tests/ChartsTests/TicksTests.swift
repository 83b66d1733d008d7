import XCTest
@testable import SeglabCharts

/// Tick values and labels against known answers (d3-array's documented results for the
/// same inputs).
final class TicksTests: XCTestCase {
    func testLinearTicks() {
        XCTAssertEqual(Ticks.linear(0, 1, count: 5), [0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(Ticks.linear(0, 1, count: 10), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1])
        XCTAssertEqual(Ticks.linear(3.7, 1234, count: 5), [200, 400, 600, 800, 1000, 1200])
        XCTAssertEqual(Ticks.linear(-10, 10, count: 10), [-10, -8, -6, -4, -2, 0, 2, 4, 6, 8, 10])
        XCTAssertEqual(Ticks.linear(-0.73, 0.41, count: 5), [-0.6, -0.4, -0.2, 0, 0.2, 0.4])
        XCTAssertEqual(Ticks.linear(0.13, 0.87, count: 10), [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
        XCTAssertEqual(Ticks.linear(1e-5, 3e-5, count: 4), [1e-5, 1.5e-5, 2e-5, 2.5e-5, 3e-5])
        XCTAssertEqual(Ticks.linear(10, 0, count: 5), [0, 2, 4, 6, 8, 10], "reversed bounds give ascending ticks")
        XCTAssertEqual(Ticks.linear(5, 5, count: 5), [5])
        XCTAssertEqual(Ticks.linear(0, .infinity, count: 5), [])
    }

    func testStepNiceAndIntegers() {
        XCTAssertEqual(Ticks.step(0, 1, count: 5), 0.2)
        XCTAssertEqual(Ticks.step(3.7, 1234, count: 5), 200)
        XCTAssertEqual(Ticks.step(0, 0.012, count: 6), 0.002)
        XCTAssertTrue(Ticks.nice(3.7, 1234, count: 5) == (0, 1400))
        XCTAssertTrue(Ticks.nice(0.13, 0.87, count: 10) == (0.1, 0.9))
        XCTAssertTrue(Ticks.nice(0.13, 0.87, count: 5) == (0, 1))
        XCTAssertTrue(Ticks.nice(-0.731, 0.42, count: 5) == (-0.8, 0.6))
        XCTAssertTrue(Ticks.nice(17_296.2, 124_211.5, count: 5) == (0, 140_000))
        XCTAssertEqual(Ticks.integers(2, 10, count: 5), [2, 4, 6, 8, 10])
        XCTAssertEqual(Ticks.integers(2, 8, count: 7), [2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(Ticks.integers(0, 2, count: 10), [0, 1, 2], "never a fractional k")
    }

    func testLogTicks() {
        XCTAssertEqual(Ticks.log(1, 1000), [1, 10, 100, 1000])
        XCTAssertEqual(Ticks.log(2, 50), [2, 5, 10, 20, 50])
        XCTAssertEqual(Ticks.log(0.5, 30), [0.5, 1, 2, 5, 10, 20])
        XCTAssertEqual(Ticks.log(0.003, 0.04), [0.005, 0.01, 0.02])
        XCTAssertEqual(Ticks.log(1, 1e12, count: 5), [1, 1e3, 1e6, 1e9, 1e12])
        XCTAssertEqual(Ticks.log(0, 10), [], "log ticks need a positive domain")
    }

    func testTickLabelsShareTheirDecimals() {
        XCTAssertEqual(TickStyle.automatic.labels(for: Ticks.linear(0, 1, count: 5), step: 0.2), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        XCTAssertEqual(TickStyle.automatic.labels(for: Ticks.linear(-0.73, 0.41, count: 5), step: 0.2),
                       ["−0.6", "−0.4", "−0.2", "0.0", "0.2", "0.4"])
        XCTAssertEqual(TickStyle.automatic.labels(for: [0, 2500, 5000, 7500], step: 2500), ["0", "2,500", "5,000", "7,500"])
        XCTAssertEqual(TickStyle.automatic.labels(for: [0, 20_000, 40_000, 60_000], step: 20_000), ["0", "20k", "40k", "60k"])
        XCTAssertEqual(TickStyle.automatic.labels(for: [0, 25_000, 50_000], step: 25_000), ["0", "25k", "50k"])
        XCTAssertEqual(TickStyle.automatic.labels(for: [0, 500_000, 1_000_000, 1_500_000], step: 500_000), ["0", "0.5M", "1.0M", "1.5M"])
        XCTAssertEqual(TickStyle.si.labels(for: [0, 200, 400], step: 200), ["0", "200", "400"])
        XCTAssertEqual(TickStyle.percent.labels(for: [0, 0.25, 0.5], step: 0.25), ["0%", "25%", "50%"])
        XCTAssertEqual(TickStyle.percent.labels(for: [0, 0.05, 0.1, 0.15], step: 0.05), ["0%", "5%", "10%", "15%"])
        XCTAssertEqual(TickStyle.percent.labels(for: [0.01, 0.015, 0.02], step: 0.005), ["1.0%", "1.5%", "2.0%"])
        XCTAssertEqual(TickStyle.fixed(decimals: 3).labels(for: [1, 1234.5], step: 0), ["1.000", "1,234.500"])
        XCTAssertEqual(TickStyle.automatic.labels(for: Ticks.log(0.5, 30), step: 0), ["0.5", "1", "2", "5", "10", "20"])
        XCTAssertEqual(TickStyle.automatic.labels(for: Ticks.log(1, 1000), step: 0), ["1", "10", "100", "1,000"])
    }

    func testNumberFormatting() {
        XCTAssertEqual(NumberFormat.coordinate(12.3456), "12.35")
        XCTAssertEqual(NumberFormat.coordinate(3), "3")
        XCTAssertEqual(NumberFormat.coordinate(2.5), "2.5")
        XCTAssertEqual(NumberFormat.coordinate(-7.125), "-7.13", "half away from zero")
        XCTAssertEqual(NumberFormat.coordinate(-0.001), "0", "never -0")
        XCTAssertEqual(NumberFormat.coordinate(.nan), "0")
        XCTAssertEqual(NumberFormat.coordinate(1e9 + 0.5), "1000000000.5")
        XCTAssertEqual(NumberFormat.fixed(1234.5, decimals: 1, grouping: true), "1,234.5")
        XCTAssertEqual(NumberFormat.fixed(1_234_567, decimals: 0, grouping: true), "1,234,567")
        XCTAssertEqual(NumberFormat.fixed(-0.25, decimals: 1), "−0.3")
        XCTAssertEqual(NumberFormat.fixed(-0.004, decimals: 2), "0.00")
        XCTAssertEqual(NumberFormat.fixed(0.5, decimals: 0), "1")
        XCTAssertEqual(NumberFormat.fixed(.nan, decimals: 2), "NaN")
        XCTAssertEqual(NumberFormat.percent(0.375, decimals: 1), "37.5%")
        XCTAssertEqual(NumberFormat.significant(0.0123456, digits: 3), "0.0123")
        XCTAssertEqual(NumberFormat.significant(123_456, digits: 3), "123,456")
        XCTAssertEqual(NumberFormat.significant(1.5, digits: 3), "1.5")
        XCTAssertEqual(NumberFormat.significant(-2.0004, digits: 3), "−2")
    }
}
