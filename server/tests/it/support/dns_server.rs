//! A DNS server for the tests: it listens on loopback (UDP and TCP on the same port) and answers
//! from a table that the test fills, as an organization's DNS host would publish its TXT records.
//!
//! A TXT query for a known name gets NOERROR with its records (TTL 0, so nothing is cached); an
//! unknown name gets NXDOMAIN; any other type of query for a known name gets NOERROR with no
//! answers. A UDP answer too large for the query's payload size goes out truncated, so the
//! resolver asks again over TCP, as with a real server.

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{Name, RData, Record, RecordType};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

/// Name (lowercase, no trailing dot) → its TXT records.
type Table = Arc<Mutex<HashMap<String, Vec<String>>>>;

pub struct DnsServer {
    pub addr: SocketAddr,
    table: Table,
    tasks: Vec<JoinHandle<()>>,
}

impl DnsServer {
    pub async fn start() -> DnsServer {
        let (udp, tcp) = bind_pair().await;
        let addr = udp.local_addr().unwrap_or_else(|e| panic!("dns addr: {e}"));
        let table = Table::default();
        let tasks = vec![tokio::spawn(serve_udp(udp, table.clone())), tokio::spawn(serve_tcp(tcp, table.clone()))];
        DnsServer { addr, table, tasks }
    }

    /// Replaces the TXT records of `name` (case-insensitive, with or without the trailing dot).
    ///
    /// A value longer than 255 bytes is published as several character-strings of at most 255
    /// bytes each, as DNS hosts do.
    pub fn set_txt(&self, name: &str, values: &[&str]) {
        let values = values.iter().map(|v| v.to_string()).collect();
        self.table.lock().unwrap_or_else(|e| e.into_inner()).insert(key(name), values);
    }

    /// Forgets `name`: it is answered with NXDOMAIN again.
    pub fn clear(&self, name: &str) {
        self.table.lock().unwrap_or_else(|e| e.into_inner()).remove(&key(name));
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.tasks.iter().for_each(JoinHandle::abort);
    }
}

/// A UDP socket and a TCP listener on the same free loopback port.
async fn bind_pair() -> (UdpSocket, TcpListener) {
    for _ in 0..20 {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("dns udp bind: {e}"));
        let addr = udp.local_addr().unwrap_or_else(|e| panic!("dns addr: {e}"));
        if let Ok(tcp) = TcpListener::bind(addr).await {
            return (udp, tcp);
        }
    }
    panic!("no loopback port free for both UDP and TCP")
}

fn key(name: &str) -> String {
    let name = Name::from_utf8(name).map(|n| n.to_ascii()).unwrap_or_else(|_| name.to_string());
    name.trim_end_matches('.').to_ascii_lowercase()
}

async fn serve_udp(socket: UdpSocket, table: Table) {
    let mut buf = vec![0u8; 65535];
    loop {
        let Ok((len, peer)) = socket.recv_from(&mut buf).await else { continue };
        let Ok(query) = Message::from_vec(&buf[..len]) else { continue };
        let mut response = answer(&query, &table);
        let limit = query.extensions().as_ref().map_or(512, |edns| usize::from(edns.max_payload()).max(512));
        let mut bytes = response.to_vec().unwrap_or_default();
        if bytes.len() > limit {
            response = response.truncate();
            bytes = response.to_vec().unwrap_or_default();
        }
        let _ = socket.send_to(&bytes, peer).await;
    }
}

async fn serve_tcp(listener: TcpListener, table: Table) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else { continue };
        let table = table.clone();
        tokio::spawn(async move {
            // Each message is preceded by its length (RFC 1035, 4.2.2); one connection may carry several.
            while let Ok(len) = stream.read_u16().await {
                let mut buf = vec![0u8; usize::from(len)];
                if stream.read_exact(&mut buf).await.is_err() {
                    return;
                }
                let Ok(query) = Message::from_vec(&buf) else { return };
                let bytes = answer(&query, &table).to_vec().unwrap_or_default();
                let Ok(len) = u16::try_from(bytes.len()) else { return };
                if stream.write_u16(len).await.is_err() || stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
        });
    }
}

/// The answer to `query` from the table.
fn answer(query: &Message, table: &Table) -> Message {
    let mut response = Message::new();
    response
        .set_id(query.id())
        .set_message_type(MessageType::Response)
        .set_op_code(query.op_code())
        .set_authoritative(true)
        .set_recursion_desired(query.recursion_desired());
    let Some(question) = query.queries().first() else {
        response.set_response_code(ResponseCode::FormErr);
        return response;
    };
    response.add_query(question.clone());
    let records = table.lock().unwrap_or_else(|e| e.into_inner()).get(&key(&question.name().to_ascii())).cloned();
    match records {
        None => {
            response.set_response_code(ResponseCode::NXDomain);
        }
        Some(values) if question.query_type() == RecordType::TXT => {
            for value in values {
                let strings: Vec<&[u8]> = value.as_bytes().chunks(255).collect();
                let rdata = RData::TXT(TXT::from_bytes(if strings.is_empty() { vec![&[][..]] } else { strings }));
                response.add_answer(Record::from_rdata(question.name().clone(), 0, rdata));
            }
        }
        Some(_) => {}
    }
    response
}
