// SPDX-License-Identifier: MIT
/// Test helpers for https: a self-signed certificate made at test time, and a small TLS server
/// on OpenSSL (a thread per connection) that records every request's exact bytes.
#pragma once

#include "core/http/batch_fixture.hpp"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <memory>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <string>
#include <sys/time.h>

namespace hooks::test {

/// A self-signed P-256 certificate valid for a day, written as PEM to `path`.
class TestCertificate {
  public:
    /// `subject_alt_name` in OpenSSL's syntax: "IP:127.0.0.1", "DNS:other.test".
    TestCertificate(const std::string& subject_alt_name, std::string pem_path)
        : path(std::move(pem_path)), m_key(EVP_EC_gen("P-256"), &EVP_PKEY_free),
          m_cert(X509_new(), &X509_free) {
        REQUIRE(m_key);
        REQUIRE(m_cert);
        X509* cert = m_cert.get();
        REQUIRE(X509_set_version(cert, 2) == 1);
        REQUIRE(ASN1_INTEGER_set(X509_get_serialNumber(cert), 1) == 1);
        REQUIRE(X509_gmtime_adj(X509_getm_notBefore(cert), -60) != nullptr);
        REQUIRE(X509_gmtime_adj(X509_getm_notAfter(cert), 86400) != nullptr);
        REQUIRE(X509_set_pubkey(cert, m_key.get()) == 1);
        X509_NAME* name = X509_get_subject_name(cert);
        const auto* common_name = reinterpret_cast<const unsigned char*>("hooks test");
        REQUIRE(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, common_name, -1, -1, 0));
        REQUIRE(X509_set_issuer_name(cert, name) == 1);
        add_extension(NID_basic_constraints, "critical,CA:TRUE");
        add_extension(NID_subject_alt_name, subject_alt_name);
        REQUIRE(X509_sign(cert, m_key.get(), EVP_sha256()) > 0);
        std::unique_ptr<FILE, decltype(&fclose)> file(fopen(path.c_str(), "w"), &fclose);
        REQUIRE(file);
        REQUIRE(PEM_write_X509(file.get(), cert) == 1);
    }

    X509* cert() const { return m_cert.get(); }
    EVP_PKEY* key() const { return m_key.get(); }

    std::string path;

  private:
    void add_extension(int nid, const std::string& value) {
        X509V3_CTX context;
        X509V3_set_ctx_nodb(&context);
        X509V3_set_ctx(&context, m_cert.get(), m_cert.get(), nullptr, nullptr, 0);
        X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
        REQUIRE(extension != nullptr);
        REQUIRE(X509_add_ext(m_cert.get(), extension, -1) == 1);
        X509_EXTENSION_free(extension);
    }

    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> m_key{nullptr, &EVP_PKEY_free};
    std::unique_ptr<X509, decltype(&X509_free)> m_cert{nullptr, &X509_free};
};

/// How a TlsServer ends its answers.
enum class Ending {
    keep_alive,    ///< Content-Length, the connection stays open
    close_quietly, ///< Content-Length, then the connection closes without a close_notify
    eof_body,      ///< no Content-Length: the body ends when the connection closes (no notify)
};

/// A TLS server on 127.0.0.1 and a free port. It answers each request 200 with the target as
/// the body, and keeps the bytes of every request it read after a completed handshake.
class TlsServer {
  public:
    explicit TlsServer(const TestCertificate& certificate, Ending ending = Ending::keep_alive)
        : m_ending(ending), m_context(SSL_CTX_new(TLS_server_method()), &SSL_CTX_free) {
        REQUIRE(m_context);
        REQUIRE(SSL_CTX_use_certificate(m_context.get(), certificate.cert()) == 1);
        REQUIRE(SSL_CTX_use_PrivateKey(m_context.get(), certificate.key()) == 1);
        m_listener.listen();
        m_acceptor = std::thread([this] { accept_all(); });
    }
    TlsServer(const TlsServer&) = delete;
    TlsServer& operator=(const TlsServer&) = delete;
    ~TlsServer() {
        m_is_stopping = true;
        m_acceptor.join(); // no thread is added after this
        for (auto& thread : m_threads) {
            thread.join();
        }
    }

    std::uint16_t port() const { return m_listener.port(); }
    /// TCP connections accepted so far.
    int accepted() const { return m_accepted; }
    /// TLS handshakes completed so far.
    int handshakes() const { return m_handshakes; }

    std::vector<std::string> requests() {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }

  private:
    void accept_all() {
        while (!m_is_stopping) {
            pollfd entry{m_listener.fd(), POLLIN, 0};
            if (::poll(&entry, 1, 20) <= 0) {
                continue;
            }
            int fd = ::accept(m_listener.fd(), nullptr, nullptr);
            if (fd < 0) {
                continue;
            }
            ++m_accepted;
            std::lock_guard lock(m_mutex);
            m_threads.emplace_back([this, fd] { serve(fd); });
        }
    }

    void serve(int fd) {
        // A client that closed first must not kill the test binary: SIGPIPE from this thread's
        // writes stays pending on it and goes with it.
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
        timeval timeout{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        int no_delay = 1; // the answer must not wait for the ACK of the session tickets
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &no_delay, sizeof no_delay);
        SSL* ssl = SSL_new(m_context.get());
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) == 1) {
            ++m_handshakes;
            std::string pending;
            while (auto request = read_request(ssl, pending)) {
                if (!answer(ssl, *request)) {
                    break;
                }
            }
        }
        ERR_clear_error();
        SSL_free(ssl);
        ::close(fd);
    }

    /// One request's bytes (a Content-Length body); nothing once the client has closed.
    std::optional<std::string> read_request(SSL* ssl, std::string& pending) {
        char buffer[16384];
        for (;;) {
            auto end = pending.find("\r\n\r\n");
            if (end != std::string::npos) {
                std::string head = pending.substr(0, end + 2);
                std::transform(head.begin(), head.end(), head.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                auto at = head.find("\r\ncontent-length: ");
                std::size_t length = at == std::string::npos ? 0 : std::stoul(head.substr(at + 18));
                if (pending.size() >= end + 4 + length) {
                    std::string request = pending.substr(0, end + 4 + length);
                    pending.erase(0, request.size());
                    std::lock_guard lock(m_mutex);
                    m_requests.push_back(request);
                    return request;
                }
            }
            int got = SSL_read(ssl, buffer, sizeof buffer);
            if (got <= 0) {
                return std::nullopt;
            }
            pending.append(buffer, static_cast<std::size_t>(got));
        }
    }

    /// Answers with the request's target; false when the connection is to close.
    bool answer(SSL* ssl, const std::string& request) {
        auto start = request.find(' ') + 1;
        std::string target = request.substr(start, request.find(' ', start) - start);
        std::string reply = "HTTP/1.1 200 OK\r\n";
        if (m_ending != Ending::eof_body) {
            reply += "Content-Length: " + std::to_string(target.size()) + "\r\n";
        }
        reply += "\r\n" + target;
        if (SSL_write(ssl, reply.data(), static_cast<int>(reply.size())) <= 0) {
            return false;
        }
        if (m_ending != Ending::keep_alive) {
            std::this_thread::sleep_for(20ms); // the client sees the answer before the close
            return false;
        }
        return true;
    }

    Ending m_ending;
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> m_context{nullptr, &SSL_CTX_free};
    RawListener m_listener;
    std::atomic<bool> m_is_stopping = false;
    std::atomic<int> m_accepted = 0;
    std::atomic<int> m_handshakes = 0;
    std::mutex m_mutex;
    std::vector<std::string> m_requests;
    std::vector<std::thread> m_threads;
    std::thread m_acceptor;
};

} // namespace hooks::test
