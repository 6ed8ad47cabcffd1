// SPDX-License-Identifier: MIT
// The server's request reader (RequestReader over Beast's parser) over the bytes of one
// connection, driven as ServerSession drives it, with 4 KiB header and 8 KiB body limits.
// Input: two bytes choosing where the rest is cut into up to three reads, then the bytes the
// client sends. Every request that gets through has a token method, a clean target, token
// header names, values without CR, LF or NUL, a header section within the limit, a body within
// the limit that is the bytes Content-Length announced; and reading the bytes in pieces gives
// the same requests as reading them at once.
#include "core/http/server_session.hpp"
#include "fuzz_target.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace detail = hooks::http::detail;
namespace beast = hooks::http::detail::beast;

constexpr std::size_t k_max_header_bytes = std::size_t{4} * 1024;
constexpr std::uint64_t k_max_body_bytes = std::uint64_t{8} * 1024;

/// A request as the handler would receive it.
struct Accepted {
    hooks::message::Message message;
    unsigned version = 11;
    bool should_keep_alive = true;
    std::size_t header_bytes = 0; ///< request line and header section on the wire
};

enum class Ending { clean, incomplete, rejected };

/// Everything the server made of one connection's bytes.
struct Outcome {
    std::vector<Accepted> requests;
    Ending ending = Ending::clean;
    int status = 0; ///< the server's answer when rejected
};

bool is_one_line(std::string_view text) {
    return text.find_first_of("\r\n") == std::string_view::npos;
}

bool is_trimmed(std::string_view value) {
    return value.empty() || (value.front() != ' ' && value.front() != '\t' && value.back() != ' ' &&
                             value.back() != '\t');
}

// The elements of a comma-separated header value, each trimmed of spaces and tabs.
std::vector<std::string_view> list_elements(std::string_view value) {
    std::vector<std::string_view> elements;
    for (;;) {
        std::size_t comma = value.find(',');
        std::string_view element = value.substr(0, comma);
        std::size_t first = element.find_first_not_of(" \t");
        elements.push_back(
            first == std::string_view::npos
                ? std::string_view()
                : element.substr(first, element.find_last_not_of(" \t") + 1 - first));
        if (comma == std::string_view::npos) {
            return elements;
        }
        value.remove_prefix(comma + 1);
    }
}

// Every element of a Content-Length list (Beast accepts "5, 05") is the body's size.
bool announces_length(std::string_view value, std::size_t length) {
    std::string expected = std::to_string(length);
    for (std::string_view element : list_elements(value)) {
        std::size_t first = element.find_first_not_of('0');
        std::string_view digits = first == std::string_view::npos ? "0" : element.substr(first);
        if (element.empty() || digits != expected) {
            return false;
        }
    }
    return true;
}

// A list of transfer codings that is chunked alone (empty list elements do not count).
bool is_only_chunked(std::string_view value) {
    std::size_t codings = 0;
    for (std::string_view element : list_elements(value)) {
        if (!element.empty()) {
            ++codings;
            if (!hooks::message::names_equal(element, "chunked")) {
                return false;
            }
        }
    }
    return codings == 1;
}

int status_for(beast::error_code ec) {
    if (ec == beast::http::error::header_limit) {
        return 431;
    }
    return ec == beast::http::error::body_limit ? 413 : 400;
}

/// Checks one request against `raw`, its bytes on the wire.
void check_request(const Accepted& request, std::string_view raw) {
    const hooks::message::Message& message = request.message;
    std::size_t header_bytes = request.header_bytes;
    HOOKS_FUZZ_CHECK(header_bytes <= k_max_header_bytes);
    HOOKS_FUZZ_CHECK(header_bytes <= raw.size() &&
                     raw.substr(0, header_bytes).ends_with("\r\n\r\n"));
    HOOKS_FUZZ_CHECK(raw.starts_with(message.method + " " + message.target + " HTTP/1."));
    HOOKS_FUZZ_CHECK(request.version == 10 || request.version == 11);
    HOOKS_FUZZ_CHECK(!message.method.empty() && !message.target.empty());
    HOOKS_FUZZ_CHECK(hooks::message::validate_header(message.method, "").has_value());
    HOOKS_FUZZ_CHECK(std::none_of(message.target.begin(), message.target.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7f;
    }));
    bool has_length = false;
    bool is_chunked = false;
    std::string codings; ///< every Transfer-Encoding value as one list
    for (const hooks::message::Header& header : message.headers) {
        HOOKS_FUZZ_CHECK(hooks::message::validate_header(header.name, header.value).has_value());
        HOOKS_FUZZ_CHECK(is_trimmed(header.value));
        if (hooks::message::names_equal(header.name, "Content-Length")) {
            has_length = true;
            HOOKS_FUZZ_CHECK(announces_length(header.value, message.body.size()));
        } else if (hooks::message::names_equal(header.name, "Transfer-Encoding")) {
            is_chunked = true;
            codings.append(",").append(header.value);
        }
    }
    if (is_chunked) {
        // framing_problem() lets through chunked alone, in HTTP/1.1, without Content-Length.
        HOOKS_FUZZ_CHECK(is_only_chunked(codings));
        HOOKS_FUZZ_CHECK(request.version == 11 && !has_length);
    }
    HOOKS_FUZZ_CHECK(message.body.size() <= k_max_body_bytes);
    if (!is_chunked) {
        // Without chunking the body is the bytes after the header section, exactly.
        HOOKS_FUZZ_CHECK(raw.substr(header_bytes) == message.body);
    } else {
        HOOKS_FUZZ_CHECK(message.body.size() < raw.size() - header_bytes);
    }
}

/// One connection's reading side as ServerSession::parse() and accept_header() drive the reader,
/// without the socket and the deadlines: reads are appended to a buffer, requests are parsed out
/// of it one after the other (pipelining), and a rejection or a request that does not keep the
/// connection alive ends it. The session's 64 KiB bound on a chunk line is left out: inputs are
/// smaller. Not movable: the reader refers to m_request.
class Connection {
  public:
    explicit Connection(std::string_view data) : m_data(data) { begin_request(); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// One read's worth of bytes arrives.
    void receive(std::string_view bytes) {
        m_buffer.append(bytes);
        while (!m_is_closed && read_request()) {
            begin_request();
        }
    }

    /// The client has sent everything.
    Outcome finish() {
        if (!m_is_closed && (!m_buffer.empty() || m_reader->got_some())) {
            m_outcome.ending = Ending::incomplete;
        }
        return std::move(m_outcome);
    }

  private:
    void begin_request() {
        m_request = hooks::http::IncomingRequest();
        m_reader.emplace(m_request, k_max_header_bytes);
        m_reader->body_limit(std::numeric_limits<std::uint64_t>::max());
        m_request_start = m_offset;
        m_header_bytes = 0;
        m_is_header_checked = false;
    }

    bool read_request();
    bool accept_header();
    void take_request();

    void reject(int status) {
        m_outcome.ending = Ending::rejected;
        m_outcome.status = status;
        m_is_closed = true;
    }

    std::string_view m_data;  ///< all the bytes the client sends
    std::string m_buffer;     ///< received, not yet parsed
    std::size_t m_offset = 0; ///< where m_buffer starts in m_data
    std::size_t m_request_start = 0;
    std::size_t m_header_bytes = 0;
    hooks::http::IncomingRequest m_request;
    std::optional<detail::RequestReader> m_reader;
    Outcome m_outcome;
    bool m_is_header_checked = false;
    bool m_is_closed = false;
};

/// Parses what the buffer holds; true when a request was completed and the connection goes on.
bool Connection::read_request() {
    while (!m_reader->is_done() && !m_buffer.empty()) {
        bool was_header_done = m_reader->is_header_done();
        beast::error_code ec;
        std::size_t used =
            m_reader->parse_some(beast::net::const_buffer(m_buffer.data(), m_buffer.size()), ec);
        HOOKS_FUZZ_CHECK(used <= m_buffer.size());
        m_buffer.erase(0, used);
        m_offset += used;
        if (!was_header_done) {
            m_header_bytes += used;
        }
        if (ec == beast::http::error::need_more) {
            break;
        }
        if (ec) {
            // The reason follows "malformed request: " in a one-line rejection.
            HOOKS_FUZZ_CHECK(is_one_line(ec.message()));
            // 431 only for a request whose header section has not ended within the limit.
            HOOKS_FUZZ_CHECK(status_for(ec) != 431 ||
                             m_data.substr(m_request_start, k_max_header_bytes).find("\r\n\r\n") ==
                                 std::string_view::npos);
            reject(status_for(ec));
            return false;
        }
        if (m_reader->is_header_done() && !m_is_header_checked) {
            m_is_header_checked = true;
            if (!accept_header()) {
                return false;
            }
        }
        if (used == 0) {
            break;
        }
    }
    if (!m_reader->is_done()) {
        return false;
    }
    take_request();
    return !m_is_closed;
}

/// ServerSession::accept_header: the framing, then the announced length, before any body byte.
bool Connection::accept_header() {
    if (auto problem = m_reader->framing_problem()) {
        HOOKS_FUZZ_CHECK(problem->first == 400 || problem->first == 501);
        HOOKS_FUZZ_CHECK(is_one_line(problem->second));
        reject(problem->first);
        return false;
    }
    if (auto length = m_reader->content_length(); length && *length > k_max_body_bytes) {
        reject(413);
        return false;
    }
    m_reader->body_limit(k_max_body_bytes);
    return true;
}

void Connection::take_request() {
    Accepted request{std::move(m_request.message), m_reader->version(), m_reader->keep_alive(),
                     m_header_bytes};
    m_reader.reset();
    check_request(request, m_data.substr(m_request_start, m_offset - m_request_start));
    m_is_closed = !request.should_keep_alive;
    m_outcome.requests.push_back(std::move(request));
}

Outcome read_connection(std::string_view data, const std::vector<std::size_t>& cuts) {
    Connection connection(data);
    std::size_t start = 0;
    for (std::size_t cut : cuts) {
        if (cut > start) {
            connection.receive(data.substr(start, cut - start));
            start = cut;
        }
    }
    if (start < data.size()) {
        connection.receive(data.substr(start));
    }
    return connection.finish();
}

bool same_request(const Accepted& a, const Accepted& b) {
    return a.message.method == b.message.method && a.message.target == b.message.target &&
           a.message.headers == b.message.headers && a.message.body == b.message.body &&
           a.version == b.version && a.should_keep_alive == b.should_keep_alive &&
           a.header_bytes == b.header_bytes;
}

// Cutting the bytes differently may only change when a malformed request is noticed (Beast
// waits for the end of a header section it had to resume), never what gets through.
void check_same(const Outcome& whole, const Outcome& pieces) {
    HOOKS_FUZZ_CHECK(whole.requests.size() == pieces.requests.size());
    for (std::size_t i = 0; i < whole.requests.size(); ++i) {
        HOOKS_FUZZ_CHECK(same_request(whole.requests[i], pieces.requests[i]));
    }
    if (whole.ending == pieces.ending && whole.status == pieces.status) {
        return;
    }
    auto is_unfinished = [](const Outcome& outcome) {
        return outcome.ending == Ending::incomplete ||
               (outcome.ending == Ending::rejected &&
                (outcome.status == 400 || outcome.status == 431));
    };
    HOOKS_FUZZ_CHECK(whole.ending != Ending::clean && pieces.ending != Ending::clean);
    HOOKS_FUZZ_CHECK(is_unfinished(whole) && is_unfinished(pieces));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) {
        return 0;
    }
    std::string_view bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
    std::vector<std::size_t> cuts{std::size_t{data[0]} * bytes.size() / 255,
                                  std::size_t{data[1]} * bytes.size() / 255};
    std::sort(cuts.begin(), cuts.end());
    Outcome whole = read_connection(bytes, {});
    if (std::any_of(cuts.begin(), cuts.end(),
                    [&](std::size_t cut) { return cut > 0 && cut < bytes.size(); })) {
        check_same(whole, read_connection(bytes, cuts));
    }
    return 0;
}
