//! Inspect tab: the raw inspect document (already redacted upstream), line-numbered and
//! scrolled, with the search text and match count in the title and matching lines
//! highlighted. Only the visible lines are styled, however long the document. The bottom
//! border says how many values were redacted (`secrets redacted: N values`).

use super::TabCtx;
use crate::app::Drilldown;
use crate::theme::Role;
use crate::ui::footer::CURSOR;
use crate::ui::text::{fit, wrap};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub fn render<'a>(
    ctx: &TabCtx<'a>,
    d: &'a Drilldown,
    mut title: Vec<Span<'a>>,
    focused: bool,
    area: Rect,
    buf: &mut Buffer,
) {
    let inspect = &d.inspect;
    let matches = inspect.matches();
    let current = (!matches.is_empty()).then(|| matches[inspect.match_index % matches.len()]);
    if inspect.searching || !inspect.search.is_empty() {
        title.push(Span::styled("/", ctx.style(Role::Key)));
        title.push(Span::raw(inspect.search.as_str()));
        if inspect.searching {
            title.push(Span::styled(CURSOR, ctx.style(Role::Key)));
        }
        let count = match current {
            Some(_) => format!(
                " {}/{} ",
                inspect.match_index % matches.len() + 1,
                matches.len()
            ),
            None if inspect.search.is_empty() => " ".to_string(),
            None => " no match ".to_string(),
        };
        title.push(Span::styled(count, ctx.style(Role::Muted)));
    }
    let mut block = crate::ui::pane(ctx.theme, Line::from(title), focused);
    let inner = block.inner(area);
    let w = inner.width as usize;
    let height = inner.height as usize;

    let doc = match &inspect.document {
        None => {
            block.render(area, buf);
            Line::styled("loading…", ctx.style(Role::Muted)).render(inner, buf);
            return;
        }
        Some(Err(msg)) => {
            block.render(area, buf);
            let text = format!("could not read the inspect document: {msg}");
            for (i, l) in wrap(&text, w.max(1)).into_iter().take(height).enumerate() {
                fit(Line::styled(l, ctx.style(Role::StatusError)), w)
                    .render(Rect::new(inner.x, inner.y + i as u16, inner.width, 1), buf);
            }
            return;
        }
        Some(Ok(doc)) => doc,
    };

    let lines: Vec<&str> = doc.lines().collect();
    let total = lines.len();
    let start = crate::ui::clamp_scroll(d.scroll, total, height);
    if total > height {
        let pos = format!(" {}-{}/{} ", start + 1, (start + height).min(total), total);
        block = block.title_top(Line::styled(pos, ctx.style(Role::Muted)).right_aligned());
    }
    block = block.title_bottom(Line::styled(
        redacted_note(inspect.redacted()),
        ctx.style(Role::Muted),
    ));
    block.render(area, buf);
    let num_w = total.max(1).to_string().len();
    for (row, (i, text)) in lines
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .enumerate()
    {
        let is_match = matches.binary_search(&i).is_ok();
        let gutter = if current == Some(i) { "▶" } else { " " };
        let (num_role, text_role) = if is_match {
            (Role::Match, Role::Match)
        } else {
            (Role::Muted, Role::Text)
        };
        let line = Line::from(vec![
            Span::styled(gutter, ctx.style(Role::Key)),
            Span::styled(format!("{:>num_w$}", i + 1), ctx.style(num_role)),
            Span::styled(" │ ", ctx.style(Role::Muted)),
            Span::styled(*text, ctx.style(text_role)),
        ]);
        fit(line, w).render(
            Rect::new(inner.x, inner.y + row as u16, inner.width, 1),
            buf,
        );
    }
}

/// The note on the bottom border: how many values of the document were redacted.
pub fn redacted_note(n: usize) -> String {
    let values = if n == 1 { "value" } else { "values" };
    format!(" secrets redacted: {n} {values} ")
}

#[cfg(test)]
mod tests {
    use super::redacted_note;

    #[test]
    fn the_note_counts_values() {
        assert_eq!(redacted_note(0), " secrets redacted: 0 values ");
        assert_eq!(redacted_note(1), " secrets redacted: 1 value ");
        assert_eq!(redacted_note(12), " secrets redacted: 12 values ");
    }
}
