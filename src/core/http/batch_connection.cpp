// SPDX-License-Identifier: MIT
// The outgoing connections (the batch engine's and Client's): a plain TCP socket, or TLS
// (asio::ssl, OpenSSL) over one, with Beast's parser reading the responses. Both are one
// template, so the plain path pays nothing for TLS.
//
// Requests arrive as the bytes to write (to_wire()), and go out as they are, over TLS as over
// TCP.
#include "core/http/batch_connection.hpp"

#include "core/http/tls_client.hpp"

// GCC 12 at -O2 reports a -Wnull-dereference inside Asio's scheduler once inlined (a thread-info
// pointer it cannot prove non-null); the warning stays on for our own code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#pragma GCC diagnostic pop
#include <array>
#include <optional>

namespace hooks::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = BatchClock;
using ErrorCode = boost::system::error_code;
/// A socket bound to the io_context's own executor: no type-erased executor on every operation.
using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;
/// TLS over a connection's socket, made afresh each time the socket connects.
using TlsStream = asio::ssl::stream<Socket&>;

constexpr std::uint64_t k_max_response_body = 64ULL * 1024 * 1024;
constexpr std::uint32_t k_max_response_header = 64 * 1024;

bool is_connection_lost(const ErrorCode& error) {
    // Over TLS, a server that closes without a close_notify ends the stream "truncated".
    return error == asio::error::eof || error == beast::http::error::end_of_stream ||
           error == asio::error::connection_reset || error == asio::error::broken_pipe ||
           error == asio::error::connection_aborted || error == asio::ssl::error::stream_truncated;
}

/// What a batch's connections share: where they go, and how TLS is checked.
struct Destination {
    std::string origin;    ///< for messages
    std::string peer_name; ///< SNI and the name the certificate must carry
    ClientOptions options;
    tcp::resolver::results_type endpoints; ///< empty when the host does not resolve
    std::optional<asio::ssl::context> tls; ///< for https
    std::optional<ClientError> tls_error;  ///< the TLS setup failed: so does every attempt
};

template <bool IsTls> class Connection final : public BatchConnection {
  public:
    Connection(asio::io_context& io, std::shared_ptr<Destination> destination,
               BatchConnectionOwner& owner)
        : m_destination(std::move(destination)), m_owner(owner), m_socket(io.get_executor()) {}

    void start(BatchAttempt&& attempt) override;

    void expire(Clock::time_point now) override {
        if (m_deadline <= now) {
            m_deadline = Clock::time_point::max();
            m_is_timed_out = true;
            close();
        }
    }

    void close() override {
        // Over TLS too: no close_notify, the socket just closes (as most HTTP clients do).
        ErrorCode ignored;
        m_socket.shutdown(tcp::socket::shutdown_both, ignored);
        m_socket.close(ignored);
        m_is_open = false;
    }

  private:
    auto& stream() {
        if constexpr (IsTls) {
            return *m_tls;
        } else {
            return m_socket;
        }
    }
    const std::string& origin() const { return m_destination->origin; }
    void connect();
    void handshake();
    void write();
    void read();
    void on_response(ErrorCode error);
    void fail(ClientError&& error);
    void fail_timeout();
    /// Whether a failure on a reused connection means only that the server had closed it.
    bool should_resend(const ErrorCode& error) const;
    void done(AttemptResult&& result);

    std::shared_ptr<Destination> m_destination;
    BatchConnectionOwner& m_owner;
    Socket m_socket;
    std::optional<TlsStream> m_tls;
    beast::flat_buffer m_buffer;
    std::optional<beast::http::response_parser<beast::http::string_body>> m_parser;
    BatchAttempt m_attempt;
    Clock::time_point m_started;
    Clock::time_point m_deadline = Clock::time_point::max();
    bool m_is_timed_out = false;
    bool m_is_open = false;
    bool m_is_reused = false; ///< has carried a response already
    bool m_is_resent = false; ///< this attempt went out again on a fresh connection
};

template <bool IsTls> void Connection<IsTls>::start(BatchAttempt&& attempt) {
    m_attempt = std::move(attempt);
    m_is_resent = false;
    if (m_is_open) {
        write();
    } else {
        connect();
    }
}

template <bool IsTls> void Connection<IsTls>::connect() {
    if (m_destination->tls_error || m_destination->endpoints.empty()) {
        // From the loop: start() must not report to the owner from within (with every attempt
        // failing at once, the calls would nest as deep as the batch is long).
        asio::post(m_socket.get_executor(), [this] {
            fail(m_destination->tls_error ? ClientError(*m_destination->tls_error)
                                          : connect_failure(origin()));
        });
        return;
    }
    m_buffer.clear(); // nothing a closed connection left unread belongs to the next one
    m_is_timed_out = false;
    // The TLS handshake counts as part of connecting (as curl's --connect-timeout).
    m_deadline = Clock::now() + m_destination->options.connect_timeout;
    asio::async_connect(m_socket, m_destination->endpoints,
                        [this](const ErrorCode& error, const tcp::endpoint&) {
                            if (m_is_timed_out) {
                                fail(connect_timeout(origin()));
                                return;
                            }
                            if (error) {
                                fail(connect_failure(origin()));
                                return;
                            }
                            // Head and body go in one gathered write; no Nagle delay.
                            ErrorCode ignored;
                            m_socket.set_option(tcp::no_delay(true), ignored);
                            if constexpr (IsTls) {
                                handshake();
                            } else {
                                m_is_open = true;
                                m_is_reused = false;
                                write();
                            }
                        });
}

template <bool IsTls> void Connection<IsTls>::handshake() {
    m_tls.emplace(m_socket, *m_destination->tls);
    if (!name_tls_peer(m_tls->native_handle(), m_destination->peer_name)) {
        fail({Failure::tls,
              "cannot check the TLS certificate of " + origin() + " against its host name"});
        return;
    }
    m_tls->async_handshake(asio::ssl::stream_base::client, [this](const ErrorCode& error) {
        if (m_is_timed_out) {
            ClientError timeout = connect_timeout(origin());
            timeout.message += " (TLS handshake)";
            fail(std::move(timeout));
        } else if (error) {
            bool is_openssl = error.category() == asio::error::get_ssl_category();
            fail(describe_tls_failure(m_tls->native_handle(),
                                      is_openssl ? static_cast<unsigned long>(error.value()) : 0,
                                      origin()));
        } else {
            m_is_open = true;
            m_is_reused = false;
            write();
        }
    });
}

template <bool IsTls> void Connection<IsTls>::write() {
    m_started = Clock::now();
    m_is_timed_out = false;
    m_deadline = m_started + m_destination->options.timeout;
    asio::async_write(stream(), asio::buffer(m_attempt.request.bytes),
                      [this](const ErrorCode& error, std::size_t) {
                          if (m_is_timed_out) {
                              fail_timeout();
                          } else if (should_resend(error)) {
                              m_is_resent = true;
                              close();
                              connect();
                          } else if (error) {
                              fail({Failure::read, "connection to " + origin() +
                                                       " closed while sending the request"});
                          } else {
                              read();
                          }
                      });
}

template <bool IsTls> void Connection<IsTls>::read() {
    m_parser.emplace();
    m_parser->body_limit(k_max_response_body);
    m_parser->header_limit(k_max_response_header);
    m_parser->skip(m_attempt.request.is_head);
    beast::http::async_read(stream(), m_buffer, *m_parser,
                            [this](const ErrorCode& error, std::size_t) { on_response(error); });
}

template <bool IsTls> bool Connection<IsTls>::should_resend(const ErrorCode& error) const {
    return m_is_reused && !m_is_resent && is_connection_lost(error) &&
           (!m_parser || !m_parser->got_some());
}

template <bool IsTls> void Connection<IsTls>::on_response(ErrorCode error) {
    if (m_is_timed_out) {
        fail_timeout();
        return;
    }
    if (should_resend(error)) {
        m_is_resent = true;
        close();
        connect();
        return;
    }
    if (error == asio::ssl::error::stream_truncated && m_parser->got_some() &&
        m_parser->need_eof()) {
        // A body that ends with the connection is whole even without a close_notify (servers
        // often skip it; curl accepts it too).
        m_parser->put_eof(error);
    }
    if (error) {
        bool is_malformed =
            error.category() ==
                beast::http::make_error_code(beast::http::error::bad_version).category() &&
            !is_connection_lost(error) && error != beast::http::error::partial_message;
        fail({Failure::read,
              is_malformed
                  ? "invalid response from " + origin() + ": " + error.message()
                  : "no complete response from " + origin() + " (timed out or connection closed)"});
        return;
    }
    auto& incoming = m_parser->get();
    ClientResponse response;
    response.latency =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - m_started);
    response.status = static_cast<int>(incoming.result_int());
    for (const auto& field : incoming) {
        response.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    }
    response.body = std::move(incoming.body());
    m_is_reused = true;
    if (!incoming.keep_alive() || m_attempt.request.should_close || m_parser->need_eof()) {
        close();
    }
    done(std::move(response));
}

template <bool IsTls> void Connection<IsTls>::fail(ClientError&& error) {
    close();
    done(tl::unexpected(std::move(error)));
}

template <bool IsTls> void Connection<IsTls>::fail_timeout() {
    fail(response_timeout(origin(), m_destination->options.timeout));
}

template <bool IsTls> void Connection<IsTls>::done(AttemptResult&& result) {
    m_parser.reset();
    m_deadline = Clock::time_point::max();
    // The owner may hand this connection its next attempt at once: nothing after this line.
    m_owner.finished(*this, m_attempt, result);
}

} // namespace

std::vector<std::unique_ptr<BatchConnection>>
make_batch_connections(asio::io_context& io, const Url& origin, const ClientOptions& options,
                       BatchConnectionOwner& owner, unsigned count) {
    auto destination = std::make_shared<Destination>();
    destination->origin = origin.origin();
    destination->peer_name = origin.host;
    destination->options = options;
    ErrorCode error;
    // A name that does not resolve leaves no endpoints: every attempt fails to connect.
    destination->endpoints =
        tcp::resolver(io).resolve(origin.host, std::to_string(origin.port), error);
    bool is_tls = origin.scheme == "https";
    if (is_tls) {
        destination->tls.emplace(asio::ssl::context::tls_client);
        auto configured =
            configure_tls(destination->tls->native_handle(), options, origin.origin());
        if (!configured) {
            destination->tls_error = configured.error();
        }
    }
    std::vector<std::unique_ptr<BatchConnection>> connections;
    for (unsigned i = 0; i < count; ++i) {
        if (is_tls) {
            connections.push_back(std::make_unique<Connection<true>>(io, destination, owner));
        } else {
            connections.push_back(std::make_unique<Connection<false>>(io, destination, owner));
        }
    }
    return connections;
}

} // namespace hooks::http
