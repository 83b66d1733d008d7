import XCTest
@testable import SeglabCharts

final class ScaleTests: XCTestCase {
    func testLinearScale() {
        let x = LinearScale(domain: 0 ... 1, range: 0 ... 100)
        XCTAssertEqual(x(0.25), 25)
        let y = LinearScale(domain: 0 ... 1, range: 20 ... 300, reversed: true)
        XCTAssertEqual(y(0), 300)
        XCTAssertEqual(y(1), 20)
        XCTAssertEqual(y(0.5), 160)
        XCTAssertEqual(LinearScale.nice(0.13, 0.87, range: 0 ... 100, tickCount: 10).domain, 0.1 ... 0.9)
        XCTAssertEqual(LinearScale.nice(3.7, 1234, range: 0 ... 100).ticks(), [0, 200, 400, 600, 800, 1000, 1200, 1400])
        let flat = LinearScale(lower: 0, upper: 0, rangeStart: 0, rangeEnd: 10)
        XCTAssertEqual(flat.domain, -1 ... 1, "a single value gets a domain around it")
        XCTAssertEqual(flat(0), 5)
        XCTAssertEqual(LinearScale(lower: 50, upper: 50, rangeStart: 0, rangeEnd: 10).domain, 45 ... 55)
    }

    func testLogScale() {
        let x = LogScale(lower: 1, upper: 1000, rangeStart: 0, rangeEnd: 300)
        XCTAssertEqual(x(10), 100, accuracy: 1e-12)
        XCTAssertEqual(x(1000), 300, accuracy: 1e-12)
        XCTAssertEqual(x.ticks(), [1, 10, 100, 1000])
        let nice = LogScale.nice(3.2, 870, rangeStart: 0, rangeEnd: 1)
        XCTAssertEqual(nice.lower, 1)
        XCTAssertEqual(nice.upper, 1000)
    }

    func testBandScale() {
        let x = BandScale(count: 4, rangeStart: 0, rangeEnd: 100, paddingInner: 0.2, paddingOuter: 0.1)
        XCTAssertEqual(x.step, 25)
        XCTAssertEqual(x.bandwidth, 20)
        XCTAssertEqual((0 ..< 4).map(x.start), [2.5, 27.5, 52.5, 77.5])
        XCTAssertEqual(x.center(3), 87.5)
        let cells = BandScale(count: 5, rangeStart: 10, rangeEnd: 60, paddingInner: 0, paddingOuter: 0)
        XCTAssertEqual(cells.step, 10)
        XCTAssertEqual(cells.start(0), 10)
        XCTAssertEqual(cells.start(4) + cells.bandwidth, 60)
    }

    func testColoursAndPalettes() {
        XCTAssertEqual(Color(hex: "#0072B2").hex, "#0072b2")
        XCTAssertEqual(Color.white.mixed(with: .black, 0.5).hex, "#808080")
        XCTAssertEqual(ColorMap.viridis.stops.count, 256)
        XCTAssertEqual(ColorMap.cividis.stops.count, 256)
        XCTAssertEqual(ColorMap.viridis.color(at: 0).hex, "#440154")
        XCTAssertEqual(ColorMap.viridis.color(at: 1).hex, "#fde725")
        XCTAssertEqual(ColorMap.viridis.color(at: 0.5).hex, "#21918d", "halfway between entries 127 (#21908d) and 128 (#21918c)")
        XCTAssertEqual(ColorMap.cividis.color(at: 0).hex, "#00224e")
        XCTAssertEqual(ColorMap.cividis.color(at: 1).hex, "#fee838")
        XCTAssertEqual(ColorMap.blueOrange.color(at: 0).hex, "#2166ac")
        XCTAssertEqual(ColorMap.blueOrange.color(at: 0.5).hex, "#f7f7f7")
        XCTAssertEqual(ColorMap.blueOrange.color(at: 1).hex, "#b35806")
        XCTAssertEqual(ColorMap.viridis.color(at: 2), ColorMap.viridis.color(at: 1), "clamped")
        // viridis is perceptually ordered: luminance rises monotonically.
        let l = (0 ... 20).map { ColorMap.viridis.color(at: Double($0) / 20).luminance }
        XCTAssertEqual(l, l.sorted())
        XCTAssertEqual(ColorMap.viridis.color(at: 0).contrastingText, .white)
        XCTAssertEqual(ColorMap.viridis.color(at: 1).contrastingText, .black)
        XCTAssertEqual(Palette.categorical(3).map(\.hex), ["#0072b2", "#e69f00", "#009e73"])
        XCTAssertEqual(Palette.categorical(8), Palette.okabeIto)
        XCTAssertEqual(Palette.categorical(9), Palette.tolMuted)
        XCTAssertEqual(Palette.categorical(11)[9], Palette.tolMuted[0])
    }

    func testTextMeasure() {
        XCTAssertEqual(TextMeasure.width("Inertia", fontSize: 12), 38.856, accuracy: 1e-9)
        XCTAssertEqual(TextMeasure.width("Inertia", fontSize: 12, bold: true), 12 * (372 + 712 + 678 + 493 + 478 + 343 + 675) / 1000.0, accuracy: 1e-9)
        XCTAssertEqual(TextMeasure.width("", fontSize: 12), 0)
        let cut = TextMeasure.truncated("high value · frequent · recent", toWidth: 80, fontSize: 11)
        XCTAssertTrue(cut.hasSuffix("…"))
        XCTAssertLessThanOrEqual(TextMeasure.width(cut, fontSize: 11), 80)
        XCTAssertEqual(TextMeasure.truncated("k", toWidth: 80, fontSize: 11), "k")
    }
}
