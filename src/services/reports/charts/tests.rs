//! Tests of the SVG charts: well-formed, accessible, and readable at every size.

use super::*;
use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::Event;

/// What the XML check found in an SVG.
#[derive(Debug, Default)]
struct Parsed {
    /// (element name, text content) for every element that directly holds text.
    texts: Vec<(String, String)>,
    /// Every element name.
    elements: Vec<String>,
    /// Every (element, attribute name, unescaped value).
    attributes: Vec<(String, String, String)>,
}

impl Parsed {
    fn text_of(&self, element: &str) -> Vec<&str> {
        self.texts
            .iter()
            .filter(|(e, _)| e == element)
            .map(|(_, t)| t.as_str())
            .collect()
    }
    fn attr(&self, element: &str, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(e, n, _)| e == element && n == name)
            .map(|(_, _, v)| v.as_str())
    }
}

/// Parses `xml` with quick-xml and fails on anything not well-formed:
/// unbalanced tags, several roots, text outside the root, unknown entities,
/// duplicate attributes.
fn parse_xml(xml: &str) -> Parsed {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut parsed = Parsed::default();
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut current_text = String::new();
    let flush = |stack: &Vec<String>, text: &mut String, parsed: &mut Parsed| {
        if !text.trim().is_empty() {
            let element = stack
                .last()
                .cloned()
                .expect("text outside the root element");
            parsed.texts.push((element, std::mem::take(text)));
        }
        text.clear();
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                flush(&stack, &mut current_text, &mut parsed);
                let name = e.name().as_ref().to_string();
                if stack.is_empty() {
                    roots += 1;
                }
                for attr in e.attributes().with_checks(true) {
                    let attr = attr.expect("valid attribute");
                    let key = attr.key.as_ref().to_string();
                    let value = attr
                        .normalized_value(XmlVersion::Implicit1_0)
                        .expect("valid escapes")
                        .into_owned();
                    parsed.attributes.push((name.clone(), key, value));
                }
                parsed.elements.push(name.clone());
                stack.push(name);
            }
            Event::Empty(e) => {
                flush(&stack, &mut current_text, &mut parsed);
                let name = e.name().as_ref().to_string();
                assert!(!stack.is_empty(), "empty element outside the root");
                for attr in e.attributes().with_checks(true) {
                    let attr = attr.expect("valid attribute");
                    let key = attr.key.as_ref().to_string();
                    let value = attr
                        .normalized_value(XmlVersion::Implicit1_0)
                        .expect("valid escapes")
                        .into_owned();
                    parsed.attributes.push((name.clone(), key, value));
                }
                parsed.elements.push(name);
            }
            Event::End(_) => {
                flush(&stack, &mut current_text, &mut parsed);
                stack.pop().expect("end tag without start tag");
            }
            Event::Text(t) => {
                assert!(
                    !stack.is_empty() || t.trim().is_empty(),
                    "text outside the root"
                );
                current_text.push_str(&t.xml_content(XmlVersion::Implicit1_0));
            }
            Event::GeneralRef(r) => {
                assert!(!stack.is_empty(), "reference outside the root");
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().expect("valid char ref").expect("char")
                } else {
                    match r.as_ref() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("unknown entity &{other};"),
                    }
                };
                current_text.push(resolved);
            }
            Event::CData(_) | Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
            Event::DocType(_) => panic!("no DOCTYPE expected"),
            Event::Eof => break,
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    assert_eq!(roots, 1, "exactly one root element");
    parsed
}

#[test]
fn xml_checker_rejects_broken_xml() {
    for broken in [
        "<svg><g></svg>",
        "<svg>a & b</svg>",
        "<svg>&nbsp;</svg>",
        "<svg></svg><svg></svg>",
        "<svg><text x=\"1\" x=\"2\">t</text></svg>",
        "<svg><text>",
    ] {
        let result = std::panic::catch_unwind(|| parse_xml(broken));
        assert!(result.is_err(), "accepted broken XML {broken:?}");
    }
    parse_xml("<svg><g a=\"&lt;&#x41;\">x &amp; y</g></svg>");
}

/// Checks the safety rules every chart must follow.
fn assert_safe_svg(svg: &str, parsed: &Parsed) {
    assert_eq!(parsed.elements.first().map(String::as_str), Some("svg"));
    assert_eq!(parsed.attr("svg", "role"), Some("img"));
    assert_eq!(parsed.attr("svg", "width"), Some("640"));
    for element in &parsed.elements {
        assert!(
            !matches!(
                element.as_str(),
                "script" | "foreignObject" | "style" | "image" | "use" | "a"
            ),
            "forbidden element <{element}>"
        );
    }
    for (element, name, value) in &parsed.attributes {
        let lower = name.to_ascii_lowercase();
        assert!(
            !lower.starts_with("on"),
            "event handler {name} on <{element}>"
        );
        assert!(!lower.contains("href"), "reference {name} on <{element}>");
        assert!(
            lower != "class" && lower != "style",
            "{name} on <{element}> needs CSS"
        );
        assert!(!value.contains("url("), "external reference in {name}");
    }
    assert!(!svg.contains("<?xml-stylesheet"));
    // aria references point at existing ids.
    let title_id = parsed.attr("title", "id").expect("title id");
    let desc_id = parsed.attr("desc", "id").expect("desc id");
    assert_eq!(parsed.attr("svg", "aria-labelledby"), Some(title_id));
    assert_eq!(parsed.attr("svg", "aria-describedby"), Some(desc_id));
}

fn svg_height(parsed: &Parsed) -> f64 {
    parsed
        .attr("svg", "height")
        .expect("height")
        .parse()
        .expect("number")
}

fn sample_chart() -> BarChart {
    BarChart {
        title: "Haushalte je Bezirk".to_string(),
        unit: "Haushalte".to_string(),
        bars: vec![
            ("Mitte".to_string(), 1234.5),
            ("Nord <&> Süd \"Äußeres\"".to_string(), 12.0),
            ("Ost".to_string(), 1_234_567.891),
            ("West".to_string(), 0.0),
        ],
    }
}

#[test]
fn number_formatting_de_and_en() {
    assert_eq!(format::decimal(locale(true), 1234.5, 2, false), "1.234,5");
    assert_eq!(format::decimal(locale(false), 1234.5, 2, false), "1,234.5");
    assert_eq!(
        format::decimal(locale(true), 1_234_567.0, 2, false),
        "1.234.567"
    );
    assert_eq!(
        format::decimal(locale(false), 1_234_567.0, 2, false),
        "1,234,567"
    );
    assert_eq!(format::decimal(locale(true), 999.0, 2, false), "999");
    assert_eq!(format::decimal(locale(true), 2.999, 2, false), "3");
    assert_eq!(format::decimal(locale(true), 0.25, 2, false), "0,25");
    assert_eq!(format::decimal(locale(true), -0.001, 2, false), "0");
    assert_eq!(
        format::decimal(locale(false), -1234.5, 2, false),
        "-1,234.5"
    );
    assert_eq!(format::decimal(locale(true), f64::NAN, 2, false), "–");
    // Money keeps two decimals unless whole.
    assert_eq!(chart_value_text(612.5, "€", true), "612,50 €");
    assert_eq!(chart_value_text(612.0, "€", true), "612 €");
    assert_eq!(
        chart_value_text(1234.5, "Haushalte", true),
        "1.234,5 Haushalte"
    );
    assert_eq!(chart_value_text(1234.5, "", false), "1,234.5");
}

#[test]
fn bar_chart_is_wellformed_accessible_and_escaped() {
    let svg = bar_chart_svg(&sample_chart(), true);
    let parsed = parse_xml(&svg);
    assert_safe_svg(&svg, &parsed);

    assert_eq!(parsed.text_of("title")[0], "Haushalte je Bezirk");
    let desc = parsed.text_of("desc")[0];
    for expected in [
        "Mitte: 1.234,5 Haushalte",
        "Nord <&> Süd \"Äußeres\": 12 Haushalte",
        "Ost: 1.234.567,89 Haushalte",
        "West: 0 Haushalte",
    ] {
        assert!(desc.contains(expected), "desc lacks {expected:?}: {desc}");
    }
    // The visible heading and value labels.
    let texts = parsed.text_of("text");
    assert!(texts.contains(&"Haushalte je Bezirk"));
    assert!(texts.contains(&"1.234,5 Haushalte"));
    assert!(texts.contains(&"Nord <&> Süd \"Äußeres\""));
    // Escaped in the source.
    assert!(svg.contains("Nord &lt;&amp;&gt; Süd &quot;Äußeres&quot;"));
    assert!(!svg.contains("Nord <&>"));
    // Colours.
    assert!(svg.contains("fill=\"#0b5c4a\""));
    assert!(svg.contains("fill=\"#1b1f24\""));
}

#[test]
fn month_labels_are_never_cut_but_thinned() {
    let months = BarChart {
        title: "Einzüge je Monat".into(),
        unit: "Einzug|Einzüge".into(),
        bars: (1..=12)
            .map(|m| (format!("{m:02}/2026"), f64::from(m)))
            .collect(),
    };
    let svg = column_chart_svg(&months, true);
    assert!(!svg.contains('…'), "no label is cut: {svg}");
    assert!(
        svg.contains(">01/2026</text>"),
        "the first month is labelled"
    );
}

#[test]
fn a_counted_unit_takes_its_singular_for_one() {
    assert_eq!(
        chart_value_text(1.0, "Haushalt|Haushalte", true),
        "1 Haushalt"
    );
    assert_eq!(
        chart_value_text(2.0, "Haushalt|Haushalte", true),
        "2 Haushalte"
    );
    assert_eq!(
        chart_value_text(0.0, "household|households", false),
        "0 households"
    );
    assert_eq!(chart_value_text(3.0, "Haushalte", true), "3 Haushalte");
}

#[test]
fn bar_chart_english_formatting() {
    let svg = bar_chart_svg(&sample_chart(), false);
    let parsed = parse_xml(&svg);
    let desc = parsed.text_of("desc")[0];
    assert!(desc.starts_with("Bar chart with 4 values."));
    assert!(desc.contains("Mitte: 1,234.5 Haushalte"));
    assert!(desc.contains("Ost: 1,234,567.89 Haushalte"));
    assert!(parsed.text_of("text").contains(&"1,234.5 Haushalte"));
    assert_eq!(parsed.attr("svg", "lang"), Some("en"));
}

#[test]
fn bar_chart_height_grows_with_bars_and_bars_scale() {
    let make = |n: usize| BarChart {
        title: "T".to_string(),
        unit: String::new(),
        bars: (0..n).map(|i| (format!("L{i}"), (i + 1) as f64)).collect(),
    };
    let h1 = svg_height(&parse_xml(&bar_chart_svg(&make(1), true)));
    let h10 = svg_height(&parse_xml(&bar_chart_svg(&make(10), true)));
    assert_eq!(h10 - h1, 9.0 * BAR_ROW);

    let parsed = parse_xml(&bar_chart_svg(&make(4), true));
    let widths: Vec<f64> = parsed
        .attributes
        .iter()
        .filter(|(e, n, _)| e == "rect" && n == "width")
        .map(|(_, _, v)| v.parse().expect("number"))
        .collect();
    // Background plus four bars, proportional to 1..=4.
    assert_eq!(widths.len(), 5);
    let bars = &widths[1..];
    assert!((bars[3] / bars[0] - 4.0).abs() < 0.05, "{bars:?}");
    assert!(bars[3] + 16.0 + PAD <= SVG_WIDTH);
}

#[test]
fn empty_charts_say_no_data() {
    let empty = BarChart {
        title: "Leer".to_string(),
        unit: "€".to_string(),
        bars: vec![],
    };
    for (svg, de) in [
        (bar_chart_svg(&empty, true), true),
        (bar_chart_svg(&empty, false), false),
        (column_chart_svg(&empty, true), true),
        (column_chart_svg(&empty, false), false),
    ] {
        let parsed = parse_xml(&svg);
        assert_safe_svg(&svg, &parsed);
        let message = if de { "Keine Daten" } else { "No data" };
        assert!(parsed.text_of("text").contains(&message), "{svg}");
        assert_eq!(parsed.text_of("desc"), vec![message]);
    }
    let parsed = parse_xml(&column_chart_svg(&empty, true));
    assert_eq!(svg_height(&parsed), 260.0);
}

#[test]
fn control_characters_and_odd_values_stay_wellformed() {
    let chart = BarChart {
        title: "Tab\there \u{1} & <b>".to_string(),
        unit: "<€>".to_string(),
        bars: vec![
            ("a\u{0}b\u{FFFF}".to_string(), f64::NAN),
            ("neg".to_string(), -5.0),
            ("inf".to_string(), f64::INFINITY),
            ("ok".to_string(), 3.0),
        ],
    };
    for svg in [bar_chart_svg(&chart, true), column_chart_svg(&chart, true)] {
        let parsed = parse_xml(&svg);
        assert_safe_svg(&svg, &parsed);
        assert!(!svg.contains('\u{0}') && !svg.contains('\u{1}') && !svg.contains('\u{FFFF}'));
        assert!(!svg.contains("NaN") && !svg.contains("inf\""));
        assert!(parsed.text_of("title")[0].contains("& <b>"));
    }
}

#[test]
fn column_chart_basics() {
    let chart = BarChart {
        title: "Anträge 2024".to_string(),
        unit: "€".to_string(),
        bars: ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun"]
            .iter()
            .zip([120.5, 80.0, 0.0, 1999.99, 640.0, 75.25])
            .map(|(l, v)| (l.to_string(), v))
            .collect(),
    };
    let svg = column_chart_svg(&chart, true);
    let parsed = parse_xml(&svg);
    assert_safe_svg(&svg, &parsed);
    assert_eq!(svg_height(&parsed), 260.0);
    let desc = parsed.text_of("desc")[0];
    assert!(desc.starts_with("Säulendiagramm mit 6 Werten."));
    assert!(desc.contains("Apr: 1.999,99 €"));
    assert!(desc.contains("Jan: 120,50 €"));
    let texts = parsed.text_of("text");
    for month in ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun"] {
        assert!(texts.contains(&month), "label {month} missing");
    }
    // Round y values 0, 500, …, 2.000 (German grouping).
    assert!(
        texts.contains(&"2.000") && texts.contains(&"0"),
        "{texts:?}"
    );
    assert!(texts.contains(&"Einheit: €"));
    let english = parse_xml(&column_chart_svg(&chart, false));
    assert!(english.text_of("text").contains(&"2,000"));
}

#[test]
fn column_chart_with_24_labels_thins_them() {
    let chart = BarChart {
        title: "Zwei Jahre".to_string(),
        unit: "Haushalte".to_string(),
        bars: (1..=24)
            .map(|i| (format!("M{i:02}"), f64::from(i * 3)))
            .collect(),
    };
    let svg = column_chart_svg(&chart, true);
    let parsed = parse_xml(&svg);
    assert_safe_svg(&svg, &parsed);
    let texts = parsed.text_of("text");
    let shown: Vec<&&str> = texts.iter().filter(|t| t.starts_with('M')).collect();
    assert_eq!(shown.len(), 12, "{shown:?}");
    assert!(texts.contains(&"M01") && !texts.contains(&"M02"));
    // All 24 values remain available to screen readers and as tooltips.
    let desc = parsed.text_of("desc")[0];
    for i in 1..=24 {
        assert!(desc.contains(&format!("M{i:02}: {} Haushalte", i * 3)));
    }
    assert_eq!(parsed.text_of("title").len(), 25);
    // Exactly 12 shown for 12, all of them.
    let twelve = BarChart {
        bars: chart.bars[..12].to_vec(),
        ..chart.clone()
    };
    let parsed = parse_xml(&column_chart_svg(&twelve, true));
    let shown = parsed
        .text_of("text")
        .into_iter()
        .filter(|t| t.starts_with('M'))
        .count();
    assert_eq!(shown, 12);
}

#[test]
fn long_labels_are_thinned_further_or_shortened() {
    // 24 months as "MM/YYYY": too wide for every second slot, so fewer
    // labels are shown, but each one whole.
    let months = BarChart {
        title: "Monate".to_string(),
        unit: String::new(),
        bars: (0..24)
            .map(|i| (format!("{:02}/{}", i % 12 + 1, 2023 + i / 12), 1.0))
            .collect(),
    };
    let parsed = parse_xml(&column_chart_svg(&months, true));
    let shown: Vec<&str> = parsed
        .text_of("text")
        .into_iter()
        .filter(|t| t.contains('/'))
        .collect();
    assert!((4..12).contains(&shown.len()), "{shown:?}");
    assert!(
        shown.iter().all(|t| t.len() == 7 && !t.contains('…')),
        "{shown:?}"
    );
    assert_eq!(shown[0], "01/2023");

    // A bar label far too long for the label column is cut with "…" on
    // screen but stays whole in the description and the tooltip.
    let long = "Ortsteil mit einem ausgesprochen langen amtlichen Namen";
    let chart = BarChart {
        title: "T".to_string(),
        unit: String::new(),
        bars: vec![(long.to_string(), 1.0)],
    };
    let parsed = parse_xml(&bar_chart_svg(&chart, true));
    let label = parsed.text_of("text")[1];
    assert!(label.ends_with('…') && long.starts_with(label.trim_end_matches('…')));
    assert!(parsed.text_of("desc")[0].contains(long));
    assert!(parsed.text_of("title")[1].starts_with(long));
}

#[test]
fn nice_scale_gives_three_to_five_round_values() {
    let mut max: f64 = 0.0013;
    while max < 5e9 {
        for whole in [false, true] {
            if whole && max.fract() != 0.0 {
                continue;
            }
            let (step, intervals) = nice_scale(max, whole);
            assert!((2..=4).contains(&intervals), "max {max}: {intervals}");
            assert!(step * intervals as f64 >= max * (1.0 - 1e-9), "max {max}");
            let mantissa = step / 10f64.powf(step.log10().floor());
            assert!(
                [1.0, 2.0, 2.5, 5.0]
                    .iter()
                    .any(|m| (mantissa - m).abs() < 1e-9),
                "step {step} not round"
            );
            if whole {
                assert_eq!(step.fract(), 0.0);
            }
        }
        max = (max * 1.37).ceil().max(max * 1.37);
    }
    assert_eq!(nice_scale(0.0, true), (1.0, 2));
    assert_eq!(nice_scale(1.0, true), (1.0, 2));
    assert_eq!(nice_scale(100.0, true), (25.0, 4));
    assert_eq!(step_decimals(0.25), 2);
    assert_eq!(step_decimals(500.0), 0);
}

#[test]
fn colours_meet_wcag_aa_against_white() {
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }
    let contrast = |hex: &str| 1.05 / (luminance(hex) + 0.05);
    assert!(contrast(BAR_FILL) >= 4.5);
    assert!(contrast(TEXT_FILL) >= 4.5);
    assert!(contrast(AXIS_STROKE) >= 3.0);
}
