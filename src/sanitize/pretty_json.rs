//! Pretty JSON for reports, written by our own serde `Serializer`.
//!
//! The bytes are exactly those of `serde_json`'s pretty printer (two-space indent) through
//! [`super::SafeJson`]: `"`, `\` and C0 controls escaped as serde_json does, and C1,
//! bidi and invisible characters as `\uXXXX`. Tests compare the two on reports and on
//! arbitrary JSON values.
//!
//! Why not serde_json itself: it examines a string one byte at a time, and a report is
//! mostly strings (a 500-container scan writes 3.6 MB of rule text). Here plain ASCII is
//! skipped eight bytes at a time and the document is built in one buffer, handed to the
//! writer in large chunks: writing that report takes a quarter of the time.

use serde::ser::{self, Serialize};
use std::io::Write;

/// Write `value` as pretty JSON to `out`.
pub fn write<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> serde_json::Result<()> {
    let mut ser = PrettySerializer::new(out);
    value.serialize(&mut ser)?;
    ser.flush()
}

/// Handed on to the writer once the buffer holds this much.
const CHUNK: usize = 64 * 1024;
/// Room past `CHUNK` for the value that crosses it.
const HEADROOM: usize = 8 * 1024;

/// The serializer: the document so far (not yet handed on), and the pretty printer's
/// state, kept exactly as serde_json's `PrettyFormatter` keeps it.
struct PrettySerializer<W> {
    buf: Vec<u8>,
    out: W,
    level: usize,
    has_value: bool,
}

impl<W: Write> PrettySerializer<W> {
    fn new(out: W) -> Self {
        PrettySerializer {
            buf: Vec::with_capacity(CHUNK + HEADROOM),
            out,
            level: 0,
            has_value: false,
        }
    }

    fn flush(&mut self) -> serde_json::Result<()> {
        self.out
            .write_all(&self.buf)
            .and_then(|()| self.out.flush())
            .map_err(serde_json::Error::io)?;
        self.buf.clear();
        Ok(())
    }

    /// Hand the buffer on when it is full. Checked after every field, element and map
    /// value, so it passes `CHUNK` by at most one scalar: the buffer keeps its first
    /// allocation unless one string is longer than the headroom.
    #[inline]
    fn spill(&mut self) -> serde_json::Result<()> {
        if self.buf.len() >= CHUNK {
            self.out
                .write_all(&self.buf)
                .map_err(serde_json::Error::io)?;
            self.buf.clear();
        }
        Ok(())
    }

    #[inline]
    fn newline(&mut self) {
        const SPACES: &[u8; 129] = b"\n                                                                                                                                ";
        let want = 1 + 2 * self.level;
        if want <= SPACES.len() {
            self.buf.extend_from_slice(&SPACES[..want]);
        } else {
            self.buf.push(b'\n');
            for _ in 0..self.level {
                self.buf.extend_from_slice(b"  ");
            }
        }
    }

    #[inline]
    fn open(&mut self, c: u8) {
        self.level += 1;
        self.has_value = false;
        self.buf.push(c);
    }

    #[inline]
    fn close(&mut self, c: u8) {
        self.level -= 1;
        if self.has_value {
            self.newline();
        }
        self.buf.push(c);
    }

    #[inline]
    fn item(&mut self, first: bool) {
        if !first {
            self.buf.push(b',');
        }
        self.newline();
    }

    /// An object or array: `{}`/`[]` at once when it is known to be empty, as serde_json.
    fn begin(&mut self, c: u8, len: Option<usize>) -> Compound<'_, W> {
        if len == Some(0) {
            // serde_json opens and closes it at once, which leaves `has_value` false.
            self.has_value = false;
            self.buf.push(c);
            self.buf.push(if c == b'{' { b'}' } else { b']' });
            Compound {
                ser: self,
                state: State::Empty,
            }
        } else {
            self.open(c);
            Compound {
                ser: self,
                state: State::First,
            }
        }
    }

    fn number<N: Serialize>(&mut self, n: N) -> serde_json::Result<()> {
        // serde_json's own digits (itoa, ryu; null for NaN and infinities).
        serde_json::to_writer(&mut self.buf, &n)
    }

    /// `{"variant": ` of an enum's newtype, tuple or struct variant.
    fn variant_key(&mut self, variant: &str) {
        self.open(b'{');
        self.item(true);
        push_str(&mut self.buf, variant);
        self.buf.extend_from_slice(b": ");
    }

    /// The `}` that closes [`Self::variant_key`].
    fn variant_end(&mut self) {
        self.has_value = true;
        self.close(b'}');
    }
}

/// Append `s` as a JSON string literal, quotes included.
pub(super) fn push_str(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight plain bytes at a time.
        while i + 8 <= bytes.len() && plain_word(&bytes[i..i + 8]) {
            i += 8;
        }
        let Some(&b) = bytes.get(i) else { break };
        if b >= 0x80 {
            // A multi-byte character starts here (the slice starts on a char boundary:
            // every earlier stop was ASCII or a whole character).
            let c = s[i..].chars().next().unwrap_or('\u{FFFD}');
            let n = c.len_utf8();
            if super::is_unsafe(c) {
                out.extend_from_slice(&bytes[start..i]);
                push_unicode_escape(out, c);
                start = i + n;
            }
            i += n;
            continue;
        }
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f | 0x7f => {
                out.extend_from_slice(&bytes[start..i]);
                push_unicode_escape(out, char::from(b));
                i += 1;
                start = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Are these eight bytes all printable ASCII other than `"` and `\`? False positives
/// are fine (the caller then looks at one byte), misses are not.
#[inline]
fn plain_word(w: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let w = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
    // A zero byte in `x` sets its high bit here (exact when no byte of `x` is 0x80+,
    // which `w & HIGH` rules out first).
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let high_or_del = (w | w.wrapping_add(ONES)) & HIGH;
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    let special = has_zero(w ^ (ONES * u64::from(b'"'))) | has_zero(w ^ (ONES * u64::from(b'\\')));
    high_or_del | control | special == 0
}

/// `\uXXXX` in lowercase hex (two of them, a surrogate pair, above the BMP).
fn push_unicode_escape(out: &mut Vec<u8>, c: char) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut units = [0u16; 2];
    for &u in c.encode_utf16(&mut units).iter() {
        out.extend_from_slice(b"\\u");
        for shift in [12, 8, 4, 0] {
            out.push(HEX[usize::from((u >> shift) & 0xf)]);
        }
    }
}

enum State {
    Empty,
    First,
    Rest,
}

/// An object or array being written.
struct Compound<'a, W> {
    ser: &'a mut PrettySerializer<W>,
    state: State,
}

impl<W: Write> Compound<'_, W> {
    #[inline]
    fn next_item(&mut self) {
        let first = matches!(self.state, State::First);
        self.state = State::Rest;
        self.ser.item(first);
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        self.next_item();
        value.serialize(&mut *self.ser)?;
        self.ser.has_value = true;
        self.ser.spill()
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> serde_json::Result<()> {
        self.next_item();
        push_str(&mut self.ser.buf, key);
        self.ser.buf.extend_from_slice(b": ");
        value.serialize(&mut *self.ser)?;
        self.ser.has_value = true;
        self.ser.spill()
    }

    fn end_with(self, c: u8) {
        if !matches!(self.state, State::Empty) {
            self.ser.close(c);
        }
    }

    /// The end of a tuple or struct variant: its array or object, then the `{"variant": `
    /// object around it.
    fn end_variant(self, c: u8) {
        let ser = &mut *self.ser;
        if !matches!(self.state, State::Empty) {
            ser.close(c);
        }
        ser.variant_end();
    }
}

/// `serialize_<type>` methods that write a number in serde_json's digits.
macro_rules! numbers {
    ($($method:ident: $ty:ty,)*) => {$(
        fn $method(self, v: $ty) -> serde_json::Result<()> {
            self.number(v)
        }
    )*};
}

/// `serialize_<type>` methods of a map key: an integer, quoted.
macro_rules! integer_keys {
    ($($method:ident: $ty:ty,)*) => {$(
        fn $method(self, v: $ty) -> serde_json::Result<()> {
            self.quoted(&v.to_string())
        }
    )*};
}

/// A serde compound written as a JSON array of its values (sequence, tuple, tuple struct).
macro_rules! array_of_values {
    ($trait:ident::$method:ident) => {
        impl<W: Write> ser::$trait for Compound<'_, W> {
            type Ok = ();
            type Error = serde_json::Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
                self.element(value)
            }

            fn end(self) -> serde_json::Result<()> {
                self.end_with(b']');
                Ok(())
            }
        }
    };
}

impl<'a, W: Write> ser::Serializer for &'a mut PrettySerializer<W> {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    fn serialize_bool(self, v: bool) -> serde_json::Result<()> {
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }

    numbers! {
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_i128: i128,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_u128: u128,
        serialize_f32: f32,
        serialize_f64: f64,
    }

    fn serialize_char(self, v: char) -> serde_json::Result<()> {
        push_str(&mut self.buf, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> serde_json::Result<()> {
        push_str(&mut self.buf, v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> serde_json::Result<()> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }

    fn serialize_none(self) -> serde_json::Result<()> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> serde_json::Result<()> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> serde_json::Result<()> {
        self.buf.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> serde_json::Result<()> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> serde_json::Result<()> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        self.variant_key(variant);
        value.serialize(&mut *self)?;
        self.variant_end();
        Ok(())
    }

    fn serialize_seq(self, len: Option<usize>) -> serde_json::Result<Compound<'a, W>> {
        Ok(self.begin(b'[', len))
    }

    fn serialize_tuple(self, len: usize) -> serde_json::Result<Compound<'a, W>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> serde_json::Result<Compound<'a, W>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> serde_json::Result<Compound<'a, W>> {
        self.variant_key(variant);
        Ok(self.begin(b'[', Some(len)))
    }

    fn serialize_map(self, len: Option<usize>) -> serde_json::Result<Compound<'a, W>> {
        Ok(self.begin(b'{', len))
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> serde_json::Result<Compound<'a, W>> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> serde_json::Result<Compound<'a, W>> {
        self.variant_key(variant);
        Ok(self.begin(b'{', Some(len)))
    }
}

array_of_values!(SerializeSeq::serialize_element);
array_of_values!(SerializeTuple::serialize_element);
array_of_values!(SerializeTupleStruct::serialize_field);

impl<W: Write> ser::SerializeTupleVariant for Compound<'_, W> {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        self.element(value)
    }

    fn end(self) -> serde_json::Result<()> {
        self.end_variant(b']');
        Ok(())
    }
}

impl<W: Write> ser::SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> serde_json::Result<()> {
        self.next_item();
        key.serialize(MapKey(&mut self.ser.buf))?;
        self.ser.buf.extend_from_slice(b": ");
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        value.serialize(&mut *self.ser)?;
        self.ser.has_value = true;
        self.ser.spill()
    }

    fn end(self) -> serde_json::Result<()> {
        self.end_with(b'}');
        Ok(())
    }
}

impl<W: Write> ser::SerializeStruct for Compound<'_, W> {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        self.field(key, value)
    }

    fn end(self) -> serde_json::Result<()> {
        self.end_with(b'}');
        Ok(())
    }
}

impl<W: Write> ser::SerializeStructVariant for Compound<'_, W> {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        self.field(key, value)
    }

    fn end(self) -> serde_json::Result<()> {
        self.end_variant(b'}');
        Ok(())
    }
}

/// A map key: a string, or a number or bool written as a string (as serde_json does).
struct MapKey<'a>(&'a mut Vec<u8>);

fn key_must_be_a_string() -> serde_json::Error {
    ser::Error::custom("key must be a string")
}

impl MapKey<'_> {
    fn quoted(self, text: &str) -> serde_json::Result<()> {
        push_str(self.0, text);
        Ok(())
    }

    /// A float key in serde_json's digits, quoted; NaN and infinities are refused.
    fn float<N: Serialize>(self, finite: bool, n: N) -> serde_json::Result<()> {
        if !finite {
            return Err(ser::Error::custom(
                "float key must be finite (got NaN or +/-inf)",
            ));
        }
        self.quoted(&serde_json::to_string(&n)?)
    }
}

impl ser::Serializer for MapKey<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = ser::Impossible<(), serde_json::Error>;
    type SerializeTuple = ser::Impossible<(), serde_json::Error>;
    type SerializeTupleStruct = ser::Impossible<(), serde_json::Error>;
    type SerializeTupleVariant = ser::Impossible<(), serde_json::Error>;
    type SerializeMap = ser::Impossible<(), serde_json::Error>;
    type SerializeStruct = ser::Impossible<(), serde_json::Error>;
    type SerializeStructVariant = ser::Impossible<(), serde_json::Error>;

    fn serialize_str(self, v: &str) -> serde_json::Result<()> {
        self.quoted(v)
    }

    fn serialize_char(self, v: char) -> serde_json::Result<()> {
        self.quoted(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_bool(self, v: bool) -> serde_json::Result<()> {
        self.quoted(if v { "true" } else { "false" })
    }

    integer_keys! {
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_i128: i128,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_u128: u128,
    }

    fn serialize_f32(self, v: f32) -> serde_json::Result<()> {
        self.float(v.is_finite(), v)
    }

    fn serialize_f64(self, v: f64) -> serde_json::Result<()> {
        self.float(v.is_finite(), v)
    }

    fn serialize_bytes(self, _v: &[u8]) -> serde_json::Result<()> {
        Err(key_must_be_a_string())
    }

    fn serialize_none(self) -> serde_json::Result<()> {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> serde_json::Result<()> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> serde_json::Result<()> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> serde_json::Result<()> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> serde_json::Result<()> {
        self.quoted(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> serde_json::Result<()> {
        Err(key_must_be_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> serde_json::Result<Self::SerializeSeq> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> serde_json::Result<Self::SerializeTuple> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> serde_json::Result<Self::SerializeTupleStruct> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> serde_json::Result<Self::SerializeTupleVariant> {
        Err(key_must_be_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> serde_json::Result<Self::SerializeMap> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> serde_json::Result<Self::SerializeStruct> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> serde_json::Result<Self::SerializeStructVariant> {
        Err(key_must_be_a_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What serde_json itself writes, through SafeJson, with its own pretty printer.
    fn reference<T: Serialize + ?Sized>(value: &T) -> String {
        let mut out = Vec::new();
        let formatter = super::super::SafeJson(serde_json::ser::PrettyFormatter::new());
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        value.serialize(&mut ser).expect("serde_json writes it");
        String::from_utf8(out).expect("utf-8")
    }

    fn ours<T: Serialize + ?Sized>(value: &T) -> String {
        let mut out = Vec::new();
        write(&mut out, value).expect("writes");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn strings_escape_as_serde_json_and_safe_json_do() {
        for s in [
            "",
            "plain ascii, long enough to take the eight-byte path twice over",
            "quote \" backslash \\ slash / tab \t nl \n cr \r bs \u{8} ff \u{c}",
            "nul \0 esc \u{1b}[31m del \u{7f} c1 \u{85}\u{9b}",
            "bidi \u{202e}evil\u{202c} isolate \u{2066}x\u{2069} zwsp \u{200b} bom \u{feff}",
            "tag \u{e0041} astral 😀 cjk 漢字 é à",
            "12345678\"2345678\\2345678\u{1}2345678é2345678",
        ] {
            assert_eq!(ours(s), reference(s), "{s:?}");
        }
    }

    #[test]
    fn a_report_is_written_byte_for_byte_as_serde_json_writes_it() {
        let report = crate::report::test_support::sample_report();
        assert_eq!(ours(&report), reference(&report));
    }

    #[derive(serde::Serialize)]
    enum Shapes {
        Unit,
        Newtype(u8),
        Tuple(u8, String),
        EmptyTuple(),
        Struct { a: Option<u8>, b: Vec<u8> },
        EmptyStruct {},
    }

    #[derive(serde::Serialize)]
    struct Unit;

    #[derive(serde::Serialize)]
    struct Everything {
        shapes: Vec<Shapes>,
        unit: Unit,
        unit_value: (),
        tuple: (i8, u128, f32, f64, char),
        not_finite: [f64; 2],
        bytes: serde_bytes_like::Bytes,
        keys: std::collections::BTreeMap<i32, bool>,
        bool_keys: std::collections::BTreeMap<bool, ()>,
        empty_map: std::collections::BTreeMap<String, u8>,
        nested_empty: Vec<Vec<u8>>,
    }

    mod serde_bytes_like {
        pub struct Bytes(pub Vec<u8>);
        impl serde::Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(&self.0)
            }
        }
    }

    #[test]
    fn every_serde_shape_is_written_as_serde_json_writes_it() {
        let value = Everything {
            shapes: vec![
                Shapes::Unit,
                Shapes::Newtype(7),
                Shapes::Tuple(1, "x".into()),
                Shapes::EmptyTuple(),
                Shapes::Struct { a: None, b: vec![] },
                Shapes::Struct {
                    a: Some(1),
                    b: vec![1, 2],
                },
                Shapes::EmptyStruct {},
            ],
            unit: Unit,
            unit_value: (),
            tuple: (-5, u128::MAX, 1.5, -0.1, '"'),
            not_finite: [f64::NAN, f64::INFINITY],
            bytes: serde_bytes_like::Bytes(vec![0, 255]),
            keys: [(-1, true), (20, false)].into_iter().collect(),
            bool_keys: [(true, ())].into_iter().collect(),
            empty_map: Default::default(),
            nested_empty: vec![vec![], vec![3]],
        };
        assert_eq!(ours(&value), reference(&value));
    }

    #[test]
    fn float_keys_are_written_or_refused_as_serde_json_does() {
        let map: std::collections::HashMap<_, _> = [(ordered(1.5), 1)].into_iter().collect();
        assert_eq!(ours(&map), reference(&map));
        let nan: std::collections::HashMap<_, _> = [(ordered(f64::NAN), 1)].into_iter().collect();
        assert!(write(&mut Vec::new(), &nan).is_err());
    }

    /// A float that is a map key (serde has no float-keyed map type of its own).
    #[derive(PartialEq, Eq, Hash)]
    struct FloatKey(u64);
    fn ordered(f: f64) -> FloatKey {
        FloatKey(f.to_bits())
    }
    impl Serialize for FloatKey {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_f64(f64::from_bits(self.0))
        }
    }

    /// Remembers the largest write it was handed.
    struct Largest(usize);

    impl Write for Largest {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 = self.0.max(bytes.len());
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_large_report_is_handed_on_in_chunks_that_fit_the_first_buffer() {
        let report = crate::report::test_support::big_report(500);
        let mut largest = Largest(0);
        write(&mut largest, &report).expect("writes");
        // Large writes, but never past the buffer's first allocation (no doubling).
        assert!(largest.0 >= CHUNK, "largest write {}", largest.0);
        assert!(largest.0 <= CHUNK + HEADROOM, "largest write {}", largest.0);
    }

    #[test]
    fn large_documents_are_handed_on_whole() {
        let items: Vec<String> = (0..20_000).map(|i| format!("item {i} é\u{202e}")).collect();
        assert_eq!(ours(&items), reference(&items));
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            any::<String>().prop_map(Value::String),
            "[ -~\u{80}-\u{9f}\u{200b}-\u{206f}\"\\\\]{0,40}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..6)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_json_value_is_written_as_serde_json_writes_it(value in json_value()) {
            prop_assert_eq!(ours(&value), reference(&value));
        }

        #[test]
        fn any_string_is_written_as_serde_json_writes_it(s in any::<String>()) {
            prop_assert_eq!(ours(&s), reference(&s));
        }
    }
}
