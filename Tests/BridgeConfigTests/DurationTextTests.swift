import BridgeConfig
import Testing

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("15m", .seconds(900)), ("1h", .seconds(3600)), ("1h30m", .seconds(5400)),
        ("500ms", .milliseconds(500)), ("1d", .seconds(86_400)), ("2m5s", .seconds(125)), ("0s", .zero),
    ])
    func parses(_ text: String, _ expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: ["", "15", "m", "1.5h", "15 m", "15min", "30s1h", "1h1h", "-5s", "1H"])
    func refuses(_ text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test(arguments: [
        (Duration.seconds(5400), "1h30m"), (.seconds(86_400 + 1), "1d1s"), (.milliseconds(1500), "1s500ms"),
        (.zero, "0s"),
    ])
    func formats(_ duration: Duration, _ expected: String) {
        #expect(DurationText.format(duration) == expected)
        #expect(expected == "0s" || DurationText.parse(expected) == duration)
    }
}
