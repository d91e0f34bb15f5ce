//! SVG bar and column charts, drawn by hand: no scripts, no external references, a
//! `<title>` and a `<desc>` listing every value.

use super::BarChart;
use crate::domain::{Locale, format};

/// The locale of a report's `locale_de` flag.
pub(super) fn locale(de: bool) -> Locale {
    if de { Locale::De } else { Locale::En }
}

/// Whether a unit denotes money, so values get exactly two decimals.
fn is_currency(unit: &str) -> bool {
    let unit = unit.trim();
    unit.contains('€') || unit.eq_ignore_ascii_case("eur") || unit.eq_ignore_ascii_case("euro")
}

/// A chart value as written on a label: `1.234,5 Haushalte`, `612,50 €`, `12`.
fn chart_value_text(value: f64, unit: &str, de: bool) -> String {
    let unit = format::counted_unit(unit, value);
    let number = format::decimal(locale(de), value, 2, is_currency(unit));
    let unit = clean_text(unit);
    let unit = unit.trim();
    if unit.is_empty() {
        number
    } else {
        format!("{number} {unit}")
    }
}

// ---------------------------------------------------------------------------
// SVG helpers
// ---------------------------------------------------------------------------

const SVG_WIDTH: f64 = 640.0;
const PAD: f64 = 16.0;
/// Bar fill: 7.9:1 against white.
const BAR_FILL: &str = "#0b5c4a";
/// Text colour: 16:1 against white.
const TEXT_FILL: &str = "#1b1f24";
/// Axis lines: 6.4:1 against white.
const AXIS_STROKE: &str = "#57606a";
/// Grid lines are decoration only; every value is also written as text.
const GRID_STROKE: &str = "#d0d7de";
const FONT_FAMILY: &str =
    "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif";

/// Replaces control characters (not allowed in XML 1.0, or collapsed by SVG
/// anyway) with spaces and drops the non-characters U+FFFE/U+FFFF.
fn clean_text(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Escapes text for XML character data and attribute values.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in clean_text(s).chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Estimated advance width of one character in em. The numbers follow wide
/// fallback fonts (DejaVu Sans, Verdana), so estimates err on the safe side
/// for the narrower system UI fonts most visitors have.
fn char_em(c: char) -> f64 {
    match c {
        ' ' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | 'i' | 'j' | 'l' | 'I' => 0.32,
        'f' | 't' | 'r' | '/' | '\\' | '(' | ')' | '[' | ']' | '-' | '"' => 0.42,
        '0'..='9' => 0.64,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.95,
        '…' | '–' | '€' => 0.7,
        c if c.is_uppercase() => 0.74,
        c if c.is_ascii() => 0.62,
        // Letters with diacritics are as wide as their base; CJK and emoji wider.
        c if c.is_alphabetic() && (c as u32) < 0x2E80 => 0.68,
        _ => 1.0,
    }
}

/// Estimated width in px of `s` set in a sans-serif font of `font_size` px.
fn text_width(s: &str, font_size: f64) -> f64 {
    s.chars().map(char_em).sum::<f64>() * font_size
}

/// Shortens `s` so that it fits into `max_width` px, ending with `…` when cut.
fn truncate_to_width(s: &str, max_width: f64, font_size: f64) -> String {
    if text_width(s, font_size) <= max_width {
        return s.to_string();
    }
    let budget = max_width - char_em('…') * font_size;
    let mut used = 0.0;
    let mut out = String::new();
    for c in s.chars() {
        used += char_em(c) * font_size;
        if used > budget {
            break;
        }
        out.push(c);
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    out
}

/// A coordinate with at most one decimal and no trailing `.0`.
fn px(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.1}");
    match s.strip_suffix(".0") {
        Some("-0") => "0".to_string(),
        Some(whole) => whole.to_string(),
        None => s,
    }
}

/// A value usable as bar length: finite and non-negative, else 0.
fn drawable(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 { v } else { 0.0 }
}

/// Deterministic id prefix so several charts can be inlined into one page
/// without `id` clashes (identical charts get identical ids, which is harmless).
fn chart_id(kind: &str, chart: &BarChart) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    };
    feed(kind.as_bytes());
    feed(chart.title.as_bytes());
    feed(chart.unit.as_bytes());
    for (label, value) in &chart.bars {
        feed(label.as_bytes());
        feed(&value.to_bits().to_le_bytes());
    }
    format!("bleibe-chart-{hash:016x}")
}

/// The `<desc>` text: chart kind, number of values and every "label: value unit".
fn chart_description(kind_de: &str, kind_en: &str, chart: &BarChart, de: bool) -> String {
    let n = chart.bars.len();
    if n == 0 {
        return if de { "Keine Daten" } else { "No data" }.to_string();
    }
    let intro = match (de, n) {
        (true, 1) => format!("{kind_de} mit 1 Wert."),
        (true, _) => format!("{kind_de} mit {n} Werten."),
        (false, 1) => format!("{kind_en} with 1 value."),
        (false, _) => format!("{kind_en} with {n} values."),
    };
    let items: Vec<String> = chart
        .bars
        .iter()
        .map(|(label, value)| {
            format!(
                "{}: {}",
                clean_text(label).trim(),
                chart_value_text(*value, &chart.unit, de)
            )
        })
        .collect();
    format!("{intro} {}.", items.join("; "))
}

/// Opens the `<svg>` root with title, description and visible heading.
fn svg_open(out: &mut String, id: &str, height: f64, chart: &BarChart, desc: &str, de: bool) {
    let lang = if de { "de" } else { "en" };
    let h = px(height);
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"{h}\" \
         viewBox=\"0 0 640 {h}\" role=\"img\" aria-labelledby=\"{id}-title\" \
         aria-describedby=\"{id}-desc\" xml:lang=\"{lang}\" lang=\"{lang}\" \
         font-family=\"{FONT_FAMILY}\">"
    ));
    out.push_str(&format!(
        "<title id=\"{id}-title\">{}</title>",
        xml_escape(chart.title.trim())
    ));
    out.push_str(&format!(
        "<desc id=\"{id}-desc\">{}</desc>",
        xml_escape(desc)
    ));
    out.push_str(&format!(
        "<rect x=\"0\" y=\"0\" width=\"640\" height=\"{h}\" fill=\"#ffffff\"/>"
    ));
    let heading = truncate_to_width(
        clean_text(&chart.title).trim(),
        // Bold runs about 10 % wider.
        (SVG_WIDTH - 2.0 * PAD) / 1.1,
        16.0,
    );
    out.push_str(&format!(
        "<text x=\"{}\" y=\"24\" font-size=\"16\" font-weight=\"bold\" fill=\"{TEXT_FILL}\">{}</text>",
        px(PAD),
        xml_escape(&heading)
    ));
}

/// A centred "no data" message.
fn svg_no_data(out: &mut String, y: f64, de: bool) {
    out.push_str(&format!(
        "<text x=\"320\" y=\"{}\" font-size=\"14\" text-anchor=\"middle\" fill=\"{TEXT_FILL}\">{}</text>",
        px(y),
        if de { "Keine Daten" } else { "No data" }
    ));
}

// ---------------------------------------------------------------------------
// Horizontal bar chart
// ---------------------------------------------------------------------------

const BAR_TOP: f64 = 44.0;
const BAR_ROW: f64 = 28.0;
const BAR_HEIGHT: f64 = 18.0;
const BAR_BOTTOM: f64 = 12.0;
const BAR_LABEL_FONT: f64 = 13.0;
const BAR_VALUE_FONT: f64 = 12.0;

/// The largest value a chart draws.
fn max_drawable(chart: &BarChart) -> f64 {
    chart
        .bars
        .iter()
        .map(|(_, v)| drawable(*v))
        .fold(0.0, f64::max)
}

/// The width of the widest of `texts` at `font` size.
fn widest<'a>(texts: impl Iterator<Item = &'a str>, font: f64) -> f64 {
    texts.map(|t| text_width(t, font)).fold(0.0, f64::max)
}

/// A mark's tooltip: its label and its value.
fn tooltip(out: &mut String, label: &str, value: &str) {
    out.push_str(&format!(
        "<title>{}: {}</title>",
        xml_escape(label),
        xml_escape(value)
    ));
}

/// Where one bar of a bar chart goes: its row, where bars start, its length, and the room
/// for its label.
struct BarRow {
    y: f64,
    x: f64,
    width: f64,
    label_room: f64,
}

/// One bar with its label before it, its value after it and both in its tooltip.
fn bar(out: &mut String, row: &BarRow, label: &str, value_text: &str) {
    let baseline = row.y + BAR_ROW / 2.0 + BAR_LABEL_FONT * 0.35;
    out.push_str("<g>");
    tooltip(out, label, value_text);
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"end\" fill=\"{TEXT_FILL}\">{}</text>",
        px(row.x - 8.0),
        px(baseline),
        px(BAR_LABEL_FONT),
        xml_escape(&truncate_to_width(label, row.label_room, BAR_LABEL_FONT))
    ));
    out.push_str(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{BAR_FILL}\"/>",
        px(row.x),
        px(row.y + (BAR_ROW - BAR_HEIGHT) / 2.0),
        px(row.width),
        px(BAR_HEIGHT)
    ));
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{TEXT_FILL}\">{}</text>",
        px(row.x + row.width + 6.0),
        px(baseline),
        px(BAR_VALUE_FONT),
        xml_escape(value_text)
    ));
    out.push_str("</g>");
}

/// Renders a horizontal bar chart as a standalone, accessible SVG string.
///
/// The SVG is 640 px wide and 28 px per bar (plus margins) high. It has
/// `role="img"`, a `<title>` (the chart title) and a `<desc>` listing every
/// "label: value unit". Each bar shows its value at its end, formatted for
/// German (`1.234,5`) or English (`1,234.5`); whole numbers get no decimals,
/// currency units (`€`) get two. Long labels are shortened on screen (with
/// `…`) but stay complete in the description and in each bar's tooltip.
/// Without bars the chart shows "Keine Daten" / "No data".
///
/// The output contains no scripts, event handlers, external references or
/// CSS classes; all text is XML-escaped.
pub fn bar_chart_svg(chart: &BarChart, locale_de: bool) -> String {
    let id = chart_id("bar", chart);
    let desc = chart_description("Balkendiagramm", "Bar chart", chart, locale_de);
    let n = chart.bars.len();
    let mut out = String::with_capacity(1024 + n * 400);

    if n == 0 {
        let height = BAR_TOP + 56.0;
        svg_open(&mut out, &id, height, chart, &desc, locale_de);
        svg_no_data(&mut out, BAR_TOP + 26.0, locale_de);
        out.push_str("</svg>");
        return out;
    }

    let labels: Vec<String> = chart
        .bars
        .iter()
        .map(|(label, _)| clean_text(label).trim().to_string())
        .collect();
    let values: Vec<String> = chart
        .bars
        .iter()
        .map(|(_, value)| chart_value_text(*value, &chart.unit, locale_de))
        .collect();

    // Label column: as wide as the longest label, within sensible bounds.
    let longest_label = widest(labels.iter().map(String::as_str), BAR_LABEL_FONT);
    let label_col = (longest_label + 10.0).clamp(60.0, 220.0);
    let bar_x = PAD + label_col;

    // Room for the value written after the longest bar.
    let longest_value = widest(values.iter().map(String::as_str), BAR_VALUE_FONT);
    let value_room = (longest_value + 8.0).min(200.0);
    let max_bar = (SVG_WIDTH - PAD - bar_x - value_room).max(100.0);

    let max_value = max_drawable(chart);
    let height = BAR_TOP + n as f64 * BAR_ROW + BAR_BOTTOM;
    svg_open(&mut out, &id, height, chart, &desc, locale_de);

    for (i, (((_, value), label), value_text)) in
        chart.bars.iter().zip(&labels).zip(&values).enumerate()
    {
        let row_y = BAR_TOP + i as f64 * BAR_ROW;
        let v = drawable(*value);
        let width = if max_value > 0.0 && v > 0.0 {
            (v / max_value * max_bar).max(1.0)
        } else {
            0.0
        };
        let row = BarRow {
            y: row_y,
            x: bar_x,
            width,
            label_room: label_col - 10.0,
        };
        bar(&mut out, &row, label, value_text);
    }

    // Baseline of the bars.
    out.push_str(&format!(
        "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{AXIS_STROKE}\" stroke-width=\"1\"/>",
        px(BAR_TOP),
        px(BAR_TOP + n as f64 * BAR_ROW),
        x = px(bar_x)
    ));
    out.push_str("</svg>");
    out
}

// ---------------------------------------------------------------------------
// Vertical column chart
// ---------------------------------------------------------------------------

const COL_HEIGHT: f64 = 260.0;
const COL_PLOT_TOP: f64 = 56.0;
const COL_PLOT_BOTTOM: f64 = 230.0;
const COL_AXIS_FONT: f64 = 11.0;
const COL_MAX_LABELS: usize = 12;

/// A "round" y scale for values up to `max`: returns `(step, intervals)` with
/// `step` = 1, 2, 2.5 or 5 × 10ⁿ, `intervals` in 2..=4 (so 3 to 5 gridline
/// values including 0) and `step * intervals >= max`. With `whole` set the
/// step is a whole number (counts should not get gridlines at 0,25).
fn nice_scale(max: f64, whole: bool) -> (f64, usize) {
    let max = drawable(max);
    if max == 0.0 {
        return (1.0, 2);
    }
    let start = max.log10().floor() as i32 - 1;
    for exponent in start..=start + 3 {
        let magnitude = 10f64.powi(exponent);
        for mantissa in [1.0, 2.0, 2.5, 5.0] {
            let step = mantissa * magnitude;
            if whole && (step < 1.0 || step.fract() != 0.0) {
                continue;
            }
            let intervals = (max / step - 1e-9).ceil().max(1.0);
            if intervals <= 4.0 {
                return (step, (intervals as usize).max(2));
            }
        }
    }
    // Not reachable for finite max > 0; a safe fallback anyway.
    (max / 4.0, 4)
}

/// Decimals needed to print multiples of `step` exactly (up to 6).
fn step_decimals(step: f64) -> usize {
    (0..=6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(6)
}

/// Show every k-th x label. Up to 12 columns every label is shown (shortened
/// if needed). Beyond that at most 12 are shown, and fewer when the labels
/// are wider than that leaves room for, so that e.g. `01/2024` stays whole;
/// at least about four labels remain (those may be shortened).
fn label_step(chart: &BarChart, slot: f64) -> usize {
    let n = chart.bars.len();
    let fewest = n.div_ceil(COL_MAX_LABELS).max(1);
    let widest = chart
        .bars
        .iter()
        .map(|(label, _)| text_width(clean_text(label).trim(), COL_AXIS_FONT))
        .fold(0.0, f64::max);
    // Every label whole: label every second (third, …) column rather than cut one.
    let needed = ((widest + 4.0) / slot).ceil().max(1.0) as usize;
    needed.clamp(fewest, n.div_ceil(2).max(fewest))
}

/// The caption above a column chart's y axis: the plural of its counted noun.
fn unit_caption(out: &mut String, chart: &BarChart, locale_de: bool, plot_right: f64) {
    let unit = clean_text(chart.unit.rsplit('|').next().unwrap_or_default());
    let unit = unit.trim();
    if unit.is_empty() {
        return;
    }
    let caption = if locale_de {
        format!("Einheit: {unit}")
    } else {
        format!("Unit: {unit}")
    };
    out.push_str(&format!(
        "<text x=\"{}\" y=\"40\" font-size=\"{}\" fill=\"{TEXT_FILL}\">{}</text>",
        px(PAD),
        px(COL_AXIS_FONT),
        xml_escape(&truncate_to_width(
            &caption,
            plot_right - PAD,
            COL_AXIS_FONT
        ))
    ));
}

/// One gridline of a column chart at height `y` with its value at the left; the 0 line is
/// the axis.
fn gridline(out: &mut String, axis: bool, y: f64, text: &str, plot_left: f64, plot_right: f64) {
    let stroke = if axis { AXIS_STROKE } else { GRID_STROKE };
    out.push_str(&format!(
        "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{stroke}\" stroke-width=\"1\"/>",
        px(plot_left),
        px(plot_right),
        y = px(y)
    ));
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"end\" fill=\"{TEXT_FILL}\">{}</text>",
        px(plot_left - 6.0),
        px(y + COL_AXIS_FONT * 0.35),
        px(COL_AXIS_FONT),
        xml_escape(text)
    ));
}

/// The y axis of a column chart: its ticks with their labels (whole numbers when every
/// value is whole), and the value at the top.
fn column_scale(chart: &BarChart, locale_de: bool) -> (Vec<(f64, String)>, f64) {
    let max_value = max_drawable(chart);
    let whole = chart.bars.iter().all(|(_, v)| drawable(*v).fract() == 0.0);
    let (step, intervals) = nice_scale(max_value, whole);
    let top_value = step * intervals as f64;
    let decimals = step_decimals(step);
    let ticks = (0..=intervals)
        .map(|k| {
            let v = step * k as f64;
            (v, format::decimal(locale(locale_de), v, decimals, false))
        })
        .collect();
    (ticks, top_value)
}

/// Renders an ordered series (e.g. months) as a vertical column chart SVG,
/// 640 × 260 px, with the same accessibility and safety rules as
/// [`bar_chart_svg`].
///
/// The y axis has 3–5 round gridline values starting at 0, the unit is shown
/// above the axis. Labels sit under the columns; with more than 12 columns
/// only every k-th label is shown (at most 12), and labels are shortened to
/// their slot. Values are written above the columns when they fit; they are
/// always complete in the `<desc>` and in each column's tooltip.
pub fn column_chart_svg(chart: &BarChart, locale_de: bool) -> String {
    let id = chart_id("column", chart);
    let desc = chart_description("Säulendiagramm", "Column chart", chart, locale_de);
    let n = chart.bars.len();
    let mut out = String::with_capacity(2048 + n * 400);
    svg_open(&mut out, &id, COL_HEIGHT, chart, &desc, locale_de);

    if n == 0 {
        svg_no_data(&mut out, COL_HEIGHT / 2.0 + 10.0, locale_de);
        out.push_str("</svg>");
        return out;
    }

    let (ticks, top_value) = column_scale(chart, locale_de);

    let tick_width = widest(ticks.iter().map(|(_, t)| t.as_str()), COL_AXIS_FONT);
    let plot_left = PAD + tick_width.max(16.0) + 8.0;
    let plot_right = SVG_WIDTH - PAD;
    let plot_height = COL_PLOT_BOTTOM - COL_PLOT_TOP;
    let y_of = |v: f64| COL_PLOT_BOTTOM - (v / top_value).min(1.0) * plot_height;

    unit_caption(&mut out, chart, locale_de, plot_right);
    for (k, (value, text)) in ticks.iter().enumerate() {
        gridline(&mut out, k == 0, y_of(*value), text, plot_left, plot_right);
    }

    let slot = (plot_right - plot_left) / n as f64;
    let column_width = (slot * 0.7).min(48.0);
    let label_every = label_step(chart, slot);
    let label_room = slot * label_every as f64 - 4.0;

    for (i, (label, value)) in chart.bars.iter().enumerate() {
        let label = clean_text(label);
        let label = label.trim();
        let v = drawable(*value);
        let center = plot_left + (i as f64 + 0.5) * slot;
        let top = y_of(v);
        let value_text = chart_value_text(*value, &chart.unit, locale_de);
        out.push_str("<g>");
        tooltip(&mut out, label, &value_text);
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{BAR_FILL}\"/>",
            px(center - column_width / 2.0),
            px(top),
            px(column_width),
            px(COL_PLOT_BOTTOM - top)
        ));
        // The number alone above the column (the unit is in the caption), if it fits.
        let number = format::decimal(locale(locale_de), *value, 2, is_currency(&chart.unit));
        if text_width(&number, COL_AXIS_FONT) <= slot - 2.0 {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" fill=\"{TEXT_FILL}\">{}</text>",
                px(center),
                px(top - 4.0),
                px(COL_AXIS_FONT),
                xml_escape(&number)
            ));
        }
        if i % label_every == 0 {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" fill=\"{TEXT_FILL}\">{}</text>",
                px(center),
                px(COL_PLOT_BOTTOM + 16.0),
                px(COL_AXIS_FONT),
                xml_escape(&truncate_to_width(label, label_room, COL_AXIS_FONT))
            ));
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests;
