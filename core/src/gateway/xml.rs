//! XML for bank APIs, built and read with quick-xml: values are always escaped by the writer,
//! never concatenated into markup. Elements are a small owned tree.

use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Deepest nesting and most elements accepted when reading a bank answer.
const MAX_DEPTH: usize = 64;
const MAX_ELEMENTS: usize = 20_000;
const SOAP_ENVELOPE_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// The qualified name as written (`soap:Envelope`).
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn new(name: impl Into<String>) -> Element {
        Element { name: name.into(), attrs: Vec::new(), children: Vec::new() }
    }

    pub fn attr(mut self, name: impl Into<String>, value: impl Into<String>) -> Element {
        self.attrs.push((name.into(), value.into()));
        self
    }

    /// Appends `<name>text</name>`.
    pub fn leaf(mut self, name: impl Into<String>, text: impl Into<String>) -> Element {
        self.children.push(Node::Element(Element::new(name).text(text)));
        self
    }

    pub fn text(mut self, text: impl Into<String>) -> Element {
        let t: String = text.into();
        if !t.is_empty() {
            self.children.push(Node::Text(t));
        }
        self
    }

    pub fn child(mut self, el: Element) -> Element {
        self.children.push(Node::Element(el));
        self
    }

    pub fn push(&mut self, el: Element) {
        self.children.push(Node::Element(el));
    }

    /// Serialises the tree; `declaration` is the encoding name for `<?xml version="1.0" encoding="…"?>`.
    /// Empty elements are written as `<a></a>`, as the banks' own samples do. Names are the
    /// code's own; every text and attribute value goes through quick-xml's escaping (`<`, `>`,
    /// `&`, `'`, `"`), exactly as its writer, which this replaces, escaped them.
    pub fn to_xml(&self, declaration: Option<&str>) -> String {
        let mut out = String::new();
        if let Some(encoding) = declaration {
            out.push_str("<?xml version=\"1.0\" encoding=\"");
            out.push_str(&escape(encoding));
            out.push_str("\"?>");
        }
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (k, v) in &self.attrs {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            out.push_str(&escape(v));
            out.push('"');
        }
        out.push('>');
        for child in &self.children {
            match child {
                Node::Element(e) => e.write(out),
                Node::Text(t) => out.push_str(&escape(t)),
            }
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }

    /// Puts every element of the tree that has no prefix into `prefix` (`request` → `ser:request`),
    /// for SOAP bodies whose elements all live in the service's namespace.
    pub fn with_prefix(mut self, prefix: &str) -> Element {
        if !self.name.contains(':') {
            self.name = [prefix, ":", &self.name].concat();
        }
        self.children = self
            .children
            .into_iter()
            .map(|c| match c {
                Node::Element(e) => Node::Element(e.with_prefix(prefix)),
                text => text,
            })
            .collect();
        self
    }

    /// A SOAP 1.1 envelope (`<prefix>:Envelope`, an optional `<prefix>:Header`, `<prefix>:Body`)
    /// around `body`, declaring the service's namespaces as `(attribute, uri)` pairs. Banks' samples
    /// differ in prefix (`soapenv`, `soap`); servers do not care, the tests compare with the samples.
    pub fn soap_envelope(prefix: &str, header: Option<Element>, body: Element, namespaces: &[(&str, &str)]) -> Element {
        let tag = |name: &str| [prefix, ":", name].concat();
        let mut envelope = Element::new(tag("Envelope")).attr(["xmlns:", prefix].concat(), SOAP_ENVELOPE_NS);
        for (name, uri) in namespaces {
            envelope = envelope.attr(*name, *uri);
        }
        if let Some(h) = header {
            envelope.push(Element::new(tag("Header")).child(h));
        }
        envelope.child(Element::new(tag("Body")).child(body))
    }

    /// The first element inside this SOAP envelope's `Body` (the operation's answer or a `Fault`).
    pub fn soap_body(&self) -> Option<&Element> {
        (self.local_name() == "Envelope").then(|| self.find("Body"))??.elements().next()
    }

    /// The name without its namespace prefix.
    pub fn local_name(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first descendant along a `/`-separated path of local names (`Transaction/Response/Code`).
    pub fn find(&self, path: &str) -> Option<&Element> {
        path.split('/').try_fold(self, |el, part| el.elements().find(|c| c.local_name() == part))
    }

    /// The first element with this local name anywhere below (depth-first).
    pub fn find_deep(&self, name: &str) -> Option<&Element> {
        self.elements().find_map(|c| if c.local_name() == name { Some(c) } else { c.find_deep(name) })
    }

    /// The text directly inside this element (its text children joined), trimmed.
    pub fn inner_text(&self) -> String {
        let mut s = String::new();
        for c in &self.children {
            if let Node::Text(t) = c {
                s.push_str(t);
            }
        }
        s.trim().to_string()
    }

    /// Text at `path`, `None` when the element is absent.
    pub fn text_at(&self, path: &str) -> Option<String> {
        self.find(path).map(Element::inner_text)
    }

    /// Parses a document and returns its root element.
    pub fn parse(text: &str) -> Result<Element, String> {
        let mut reader = Reader::from_str(text);
        let mut stack: Vec<Element> = Vec::new();
        let mut root: Option<Element> = None;
        let mut count = 0usize;
        loop {
            let event =
                reader.read_event().map_err(|e| format!("XML error at byte {}: {e}", reader.buffer_position()))?;
            match event {
                Event::Start(_) | Event::Empty(_) if root.is_some() => {
                    return Err("content after the root element".into());
                }
                Event::Start(s) => {
                    count += 1;
                    if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                        return Err("XML too deep or too large".into());
                    }
                    stack.push(element_from(&s)?);
                }
                Event::Empty(s) => {
                    count += 1;
                    let el = element_from(&s)?;
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::Element(el)),
                        None => root = Some(el),
                    }
                }
                Event::End(_) => {
                    let el = stack.pop().ok_or("unbalanced end tag")?;
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::Element(el)),
                        None => root = Some(el),
                    }
                }
                Event::Text(t) => {
                    let text = t.decode().map_err(|e| format!("XML text: {e}"))?;
                    push_text(&mut stack, &text);
                }
                Event::CData(c) => {
                    let text = c.decode().map_err(|e| format!("XML CDATA: {e}"))?;
                    push_text(&mut stack, &text);
                }
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref().map_err(|e| format!("XML reference: {e}"))? {
                        Some(c) => c.to_string(),
                        None => {
                            let name = r.decode().map_err(|e| format!("XML reference: {e}"))?;
                            quick_xml::escape::resolve_predefined_entity(&name)
                                .ok_or_else(|| format!("unknown XML entity &{name};"))?
                                .to_string()
                        }
                    };
                    push_text(&mut stack, &resolved);
                }
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            }
        }
        if !stack.is_empty() {
            return Err("truncated XML: unclosed elements".into());
        }
        root.ok_or_else(|| "no XML root element".into())
    }
}

fn element_from(s: &BytesStart) -> Result<Element, String> {
    let name = String::from_utf8(s.name().as_ref().to_vec()).map_err(|_| "element name is not UTF-8")?;
    let mut el = Element::new(name);
    for attr in s.attributes() {
        let attr = attr.map_err(|e| format!("XML attribute: {e}"))?;
        let key = String::from_utf8(attr.key.as_ref().to_vec()).map_err(|_| "attribute name is not UTF-8")?;
        let value = attr.unescape_value().map_err(|e| format!("XML attribute value: {e}"))?;
        el.attrs.push((key, value.into_owned()));
    }
    Ok(el)
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(parent) = stack.last_mut() {
        match parent.children.last_mut() {
            Some(Node::Text(t)) => t.push_str(text),
            _ => parent.children.push(Node::Text(text.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What quick-xml's own writer makes of a tree (what `to_xml` wrote before it wrote itself).
    fn quick_xml_writer(el: &Element, declaration: &str) -> String {
        use quick_xml::events::{BytesDecl, BytesEnd, BytesText};
        fn write(el: &Element, w: &mut quick_xml::Writer<Vec<u8>>) {
            let mut start = BytesStart::new(el.name.as_str());
            for (k, v) in &el.attrs {
                start.push_attribute((k.as_str(), v.as_str()));
            }
            w.write_event(Event::Start(start)).unwrap();
            for child in &el.children {
                match child {
                    Node::Element(e) => write(e, w),
                    Node::Text(t) => w.write_event(Event::Text(BytesText::new(t))).unwrap(),
                }
            }
            w.write_event(Event::End(BytesEnd::new(el.name.as_str()))).unwrap();
        }
        let mut w = quick_xml::Writer::new(Vec::new());
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some(declaration), None))).unwrap();
        write(el, &mut w);
        String::from_utf8(w.into_inner()).unwrap()
    }

    #[test]
    fn writes_as_quick_xml_writes() {
        let tricky = "a<b>&c'd\"e İş & &amp; ]]> \t\n\r\u{7f}";
        let el = Element::new("soap:Envelope")
            .attr("xmlns:soap", tricky)
            .child(Element::new("Empty"))
            .leaf("Text", tricky)
            .child(Element::new("Mixed").text("x").leaf("In", "y").text(tricky));
        assert_eq!(el.to_xml(Some("ISO-8859-9")), quick_xml_writer(&el, "ISO-8859-9"));
    }

    #[test]
    fn writes_escaped_values() {
        let doc = Element::new("CC5Request")
            .leaf("Name", "a<b>&\"c'")
            .leaf("Taksit", "")
            .child(Element::new("Extra").leaf("X", "1"));
        assert_eq!(
            doc.to_xml(Some("ISO-8859-9")),
            "<?xml version=\"1.0\" encoding=\"ISO-8859-9\"?><CC5Request><Name>a&lt;b&gt;&amp;&quot;c&apos;</Name><Taksit></Taksit><Extra><X>1</X></Extra></CC5Request>"
        );
    }

    #[test]
    fn reads_back_with_entities_cdata_and_namespaces() {
        let xml = "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"x\"><soap:Body><R a=\"1&amp;2\"><Msg>A &amp; B &#x130;<![CDATA[<raw>]]></Msg><E/></R></soap:Body></soap:Envelope>";
        let root = Element::parse(xml).unwrap();
        assert_eq!(root.local_name(), "Envelope");
        assert_eq!(root.text_at("Body/R/Msg").unwrap(), "A & B İ<raw>");
        assert_eq!(root.find("Body/R").unwrap().attrs[0].1, "1&2");
        assert_eq!(root.text_at("Body/R/E").unwrap(), "");
        assert!(root.text_at("Body/R/Missing").is_none());
        assert_eq!(root.find_deep("Msg").unwrap().local_name(), "Msg");
    }

    #[test]
    fn soap_envelopes() {
        let body = Element::new("Op").child(Element::new("request").leaf("A", "1").leaf("x:B", "2")).with_prefix("ser");
        let envelope = Element::soap_envelope("soapenv", None, body, &[("xmlns:ser", "urn:s")]);
        assert_eq!(
            envelope.to_xml(None),
            "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:ser=\"urn:s\"><soapenv:Body><ser:Op><ser:request><ser:A>1</ser:A><x:B>2</x:B></ser:request></ser:Op></soapenv:Body></soapenv:Envelope>"
        );
        let answer =
            Element::parse("<s:Envelope xmlns:s=\"e\"><s:Body><OpResponse><R>1</R></OpResponse></s:Body></s:Envelope>")
                .unwrap();
        assert_eq!(answer.soap_body().unwrap().local_name(), "OpResponse");
        assert!(Element::parse("<Envelope><Head/></Envelope>").unwrap().soap_body().is_none());
        let body = Element::new("Op").attr("xmlns", "urn:s").leaf("A", "1");
        let header = Element::new("Auth").attr("xmlns", "urn:h").leaf("U", "u");
        assert_eq!(
            Element::soap_envelope("soap", Some(header), body.clone(), &[]).to_xml(None),
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header><Auth xmlns=\"urn:h\"><U>u</U></Auth></soap:Header><soap:Body><Op xmlns=\"urn:s\"><A>1</A></Op></soap:Body></soap:Envelope>"
        );
        let back = Element::parse(&Element::soap_envelope("soap", None, body, &[]).to_xml(Some("utf-8"))).unwrap();
        assert_eq!(back.soap_body().unwrap().text_at("A").unwrap(), "1");
        let answer = "<s:Envelope xmlns:s=\"e\"><s:Header><H/></s:Header><s:Body><OpResponse><R>1</R></OpResponse></s:Body></s:Envelope>";
        assert_eq!(Element::parse(answer).unwrap().soap_body().unwrap().local_name(), "OpResponse");
        assert!(Element::parse("<Envelope><Body/></Envelope>").unwrap().soap_body().is_none());
        assert!(Element::parse("<Other><Body><X/></Body></Other>").unwrap().soap_body().is_none());
    }

    #[test]
    fn round_trip() {
        let doc = Element::new("A").leaf("B", "x & y < z").leaf("C", "Ğüşİöç");
        let back = Element::parse(&doc.to_xml(Some("UTF-8"))).unwrap();
        assert_eq!(back.text_at("B").unwrap(), "x & y < z");
        assert_eq!(back.text_at("C").unwrap(), "Ğüşİöç");
    }

    #[test]
    fn rejects_garbage_and_truncation() {
        for bad in ["", "garbage", "<a><b></a>", "<a><b>", "<a>&foo;</a>", "<a></a><b></b>", "<a>&#0;</a>"] {
            assert!(Element::parse(bad).is_err(), "{bad:?}");
        }
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(Element::parse(&deep).is_err());
    }
}
