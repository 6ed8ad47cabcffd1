// SPDX-License-Identifier: MIT
// Bytes in and out: the request reader over Beast's parser, the framing rules it adds, and the
// responses the server writes.
#include "core/http/server_session.hpp"
#include "core/text/text.hpp"

#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/status.hpp>
#include <limits>

namespace hooks::http::detail {

namespace {

namespace http = beast::http;

bool is_framing_header(std::string_view name) {
    return message::names_equal(name, "Content-Length") ||
           message::names_equal(name, "Transfer-Encoding") ||
           message::names_equal(name, "Connection");
}

} // namespace

std::string describe_duration(std::chrono::milliseconds duration) {
    auto count = duration.count();
    if (count != 0 && count % 1000 == 0) {
        return std::to_string(count / 1000) + " s";
    }
    return std::to_string(count) + " ms";
}

std::string_view status_reason(int status) {
    auto reason = http::obsolete_reason(static_cast<http::status>(status));
    if (reason.empty() || reason.front() == '<') {
        return "Unknown"; // Beast says "<unknown-status>"
    }
    return {reason.data(), reason.size()};
}

bool status_has_body(int status) {
    return status >= 200 && status != 204 && status != 304;
}

void write_response_head(const Response& response, unsigned version, bool& close,
                         std::string& out) {
    out.append("HTTP/1.1 ");
    text::append_number(out, static_cast<std::uint64_t>(response.status));
    out.push_back(' ');
    out.append(status_reason(response.status));
    out.append("\r\n");
    for (const auto& header : response.headers) {
        if (is_framing_header(header.name)) {
            if (message::names_equal(header.name, "Connection") &&
                beast::iequals(header.value, "close")) {
                close = true;
            }
            continue;
        }
        out.append(header.name).append(": ").append(header.value).append("\r\n");
    }
    // An interim status as the final answer leaves the client waiting; end the exchange.
    if (response.status < 200) {
        close = true;
    }
    // RFC 9110 8.6: no Content-Length in 1xx and 204; in 304 it would describe another body.
    // A HEAD answer states the length its GET would have had.
    if (status_has_body(response.status)) {
        out.append("Content-Length: ");
        text::append_number(out, response.body.size());
        out.append("\r\n");
    }
    if (close) {
        out.append("Connection: close\r\n");
    } else if (version == 10) {
        out.append("Connection: keep-alive\r\n");
    }
    out.append("\r\n");
}

void write_error_response(int status, std::string_view reason, std::string& out) {
    out.append("HTTP/1.1 ");
    text::append_number(out, static_cast<std::uint64_t>(status));
    out.push_back(' ');
    out.append(reason);
    out.append("\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ");
    text::append_number(out, reason.size() + 1);
    out.append("\r\nConnection: close\r\n\r\n");
    out.append(reason);
    out.push_back('\n');
}

std::size_t RequestReader::parse_some(asio::const_buffer buffer, beast::error_code& ec) {
    if (is_header_done()) {
        return put(buffer, ec);
    }
    // Beast applies header_limit() to each put() from the first byte that put() has not used,
    // and gives the request line a limit of its own: what is left of the limit is counted here
    // across calls, and Beast is shown no more bytes than that.
    std::size_t left = m_max_header_bytes - m_header_bytes;
    std::size_t shown = std::min(buffer.size(), left);
    header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(left, std::numeric_limits<std::uint32_t>::max())));
    std::size_t used = put(asio::const_buffer(buffer.data(), shown), ec);
    m_header_bytes += used;
    if (ec == http::error::need_more && !is_header_done() && shown == left) {
        ec = http::error::header_limit; // the section does not end within the limit
    }
    return used;
}

void RequestReader::on_request_impl(http::verb method, beast::string_view method_string,
                                    beast::string_view target, int version,
                                    beast::error_code& /*ec*/) {
    m_request.message.method.assign(method_string.data(), method_string.size());
    m_request.message.target.assign(target.data(), target.size());
    m_version = static_cast<unsigned>(version);
    m_is_head = method == http::verb::head;
}

void RequestReader::on_field_impl(http::field name, beast::string_view name_string,
                                  beast::string_view value, beast::error_code& /*ec*/) {
    if (is_header_done()) {
        // A trailer field after the last chunk: kept apart, as received.
        m_request.message.trailers.push_back({std::string(name_string.data(), name_string.size()),
                                              std::string(value.data(), value.size())});
        return;
    }
    // Beast hands the value with surrounding spaces and tabs removed, nothing else changed.
    m_request.message.headers.push_back({std::string(name_string.data(), name_string.size()),
                                         std::string(value.data(), value.size())});
    if (name == http::field::transfer_encoding) {
        m_has_transfer_encoding = true;
        // token_list stops quietly at the first byte it cannot read, which would take
        // "chunked x" or "chunked;q=1" for chunked; a proxy may read such a value otherwise.
        if (!http::validate_list(http::opt_token_list{value})) {
            m_has_malformed_coding = true;
        }
        for (auto coding : http::token_list{value}) {
            m_transfer_codings.append(m_transfer_codings.empty() ? "" : ", ")
                .append(coding.data(), coding.size());
            ++m_coding_count;
        }
    } else if (name == http::field::content_length) {
        m_has_content_length = true;
    } else if (name == http::field::host) {
        ++m_host_count;
    } else if (name == http::field::expect) {
        m_expects_continue = beast::iequals(value, "100-continue");
    }
}

void RequestReader::on_body_init_impl(const boost::optional<std::uint64_t>& length,
                                      beast::error_code& /*ec*/) {
    // The length was checked against the limit before the body is read.
    if (length) {
        m_request.message.body.reserve(static_cast<std::size_t>(*length));
    }
}

std::size_t RequestReader::on_body_impl(beast::string_view body, beast::error_code& /*ec*/) {
    m_request.message.body.append(body.data(), body.size());
    return body.size();
}

std::size_t RequestReader::on_chunk_body_impl(std::uint64_t /*remain*/, beast::string_view body,
                                              beast::error_code& /*ec*/) {
    m_request.message.body.append(body.data(), body.size());
    return body.size();
}

std::optional<std::pair<int, std::string>> RequestReader::framing_problem() const {
    // RFC 9112 section 3.2: an HTTP/1.1 request carries exactly one Host.
    if (m_version >= 11 && m_host_count != 1) {
        return std::pair{400, std::string(m_host_count == 0 ? "HTTP/1.1 request without Host"
                                                            : "more than one Host header")};
    }
    if (!m_has_transfer_encoding) {
        return std::nullopt;
    }
    // Beast frames a body as chunked only when chunked is the final coding, and reads any other
    // coding as "no body", which would let the rest be taken for a second request.
    if (m_version < 11) {
        return std::pair{400, std::string("Transfer-Encoding in an HTTP/1.0 request")};
    }
    if (m_has_content_length) {
        return std::pair{400, std::string("both Content-Length and Transfer-Encoding")};
    }
    if (m_has_malformed_coding) {
        return std::pair{400, std::string("malformed Transfer-Encoding")};
    }
    if (m_coding_count == 1 && beast::iequals(m_transfer_codings, "chunked")) {
        return std::nullopt;
    }
    return std::pair{501, "unsupported Transfer-Encoding '" + m_transfer_codings + "'"};
}

} // namespace hooks::http::detail
