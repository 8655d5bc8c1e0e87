//! IPv4 address ranges as MetalLB writes them: `a.b.c.d-a.b.c.e` or a CIDR.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// An inclusive range of IPv4 addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ipv4Range {
    pub first: Ipv4Addr,
    pub last: Ipv4Addr,
}

impl Ipv4Range {
    pub(crate) fn contains(&self, ip: Ipv4Addr) -> bool {
        self.first <= ip && ip <= self.last
    }

    /// Parse `a-b` (a <= b) or a canonical CIDR; the error says what is wrong.
    pub(crate) fn parse(text: &str) -> Result<Ipv4Range, String> {
        let text = text.trim();
        if let Some((a, b)) = text.split_once('-') {
            let first = parse_ip(a.trim())?;
            let last = parse_ip(b.trim())?;
            if first > last {
                return Err(format!(
                    "range `{text}` ends before it starts; write the lower address first"
                ));
            }
            return Ok(Ipv4Range { first, last });
        }
        if text.contains('/') {
            let net = parse_cidr(text)?;
            return Ok(Ipv4Range {
                first: net.network(),
                last: net.broadcast(),
            });
        }
        Err(format!(
            "`{text}` is neither a range (`192.168.10.100-192.168.10.110`) nor a CIDR (`192.168.10.96/28`)"
        ))
    }
}

impl fmt::Display for Ipv4Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

pub(crate) fn parse_ip(text: &str) -> Result<Ipv4Addr, String> {
    text.parse::<Ipv4Addr>()
        .map_err(|_| format!("`{text}` is not an IPv4 address (pgrender supports IPv4 pools only)"))
}

/// A CIDR whose host bits are zero: `192.168.20.5/24` is refused with the
/// network it probably meant, because MetalLB and NetworkPolicy read the
/// two differently.
pub(crate) fn parse_cidr(text: &str) -> Result<Ipv4Net, String> {
    let net: Ipv4Net = text
        .parse()
        .map_err(|_| format!("`{text}` is not an IPv4 CIDR such as 192.168.20.0/24"))?;
    if net.trunc() != net {
        return Err(format!(
            "`{text}` has host bits set; did you mean `{}`?",
            net.trunc()
        ));
    }
    Ok(net)
}

/// Every pair of overlapping ranges, in O(n log n) plus the overlaps found:
/// sort by start, then compare each range only with the open ones before it.
pub(crate) fn overlapping_pairs<T: Copy>(
    ranges: &[(Ipv4Range, T)],
) -> Vec<((Ipv4Range, T), (Ipv4Range, T))> {
    let mut sorted: Vec<(Ipv4Range, T)> = ranges.to_vec();
    sorted.sort_by_key(|(r, _)| (r.first, r.last));
    let mut found = Vec::new();
    let mut open: Vec<(Ipv4Range, T)> = Vec::new();
    for current in sorted {
        open.retain(|(r, _)| r.last >= current.0.first);
        for earlier in &open {
            found.push((*earlier, current));
        }
        open.push(current);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges_and_cidrs() {
        let r = Ipv4Range::parse("192.168.10.100-192.168.10.110").unwrap();
        assert!(r.contains("192.168.10.105".parse().unwrap()));
        assert!(!r.contains("192.168.10.111".parse().unwrap()));
        let c = Ipv4Range::parse("10.0.0.0/30").unwrap();
        assert_eq!(c.to_string(), "10.0.0.0-10.0.0.3");
    }

    #[test]
    fn rejects_bad_ranges_with_reasons() {
        assert!(
            Ipv4Range::parse("192.168.10.110-192.168.10.100")
                .unwrap_err()
                .contains("ends before")
        );
        assert!(
            Ipv4Range::parse("10.0.0.1/24")
                .unwrap_err()
                .contains("10.0.0.0/24")
        );
        assert!(
            Ipv4Range::parse("fe80::1-fe80::2")
                .unwrap_err()
                .contains("IPv4")
        );
        assert!(Ipv4Range::parse("banana").unwrap_err().contains("neither"));
    }

    #[test]
    fn finds_all_overlaps_and_only_those() {
        let r = |s: &str| Ipv4Range::parse(s).unwrap();
        let ranges = [
            (r("10.0.0.0-10.0.0.10"), 0),
            (r("10.0.0.11-10.0.0.20"), 1),
            (r("10.0.0.5-10.0.0.12"), 2),
            (r("10.0.1.0/24"), 3),
        ];
        let mut pairs: Vec<(i32, i32)> = overlapping_pairs(&ranges)
            .into_iter()
            .map(|(a, b)| (a.1.min(b.1), a.1.max(b.1)))
            .collect();
        pairs.sort();
        assert_eq!(pairs, vec![(0, 2), (1, 2)]);
    }
}
