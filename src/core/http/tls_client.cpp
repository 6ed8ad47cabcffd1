// SPDX-License-Identifier: MIT
// TLS client setup on OpenSSL for the outgoing connections (batch_connection.cpp), which carry
// both the batch engine's requests and Client's.
#include "core/http/tls_client.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace hooks::http {
namespace {

bool is_ip_address(const std::string& host) {
    unsigned char address[sizeof(in6_addr)];
    return inet_pton(AF_INET, host.c_str(), address) == 1 ||
           inet_pton(AF_INET6, host.c_str(), address) == 1;
}

} // namespace

tl::expected<void, ClientError> configure_tls(SSL_CTX* context, const ClientOptions& options,
                                              const std::string& origin) {
    if (options.insecure) {
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);
        return {};
    }
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
    // As curl's --cacert: a CA file replaces the system store.
    if (options.ca_file.empty()) {
        SSL_CTX_set_default_verify_paths(context);
        return {};
    }
    if (SSL_CTX_load_verify_locations(context, options.ca_file.c_str(), nullptr) != 1) {
        ERR_clear_error();
        return tl::unexpected(ClientError{Failure::tls, "cannot load the CA certificates for " +
                                                            origin + " from '" + options.ca_file +
                                                            "'"});
    }
    return {};
}

bool name_tls_peer(SSL* ssl, const std::string& host) {
    if (is_ip_address(host)) {
        // RFC 6066 allows no address as SNI; the certificate must name the address itself.
        return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
    }
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    // SSL_set_tlsext_host_name() spelled out: the macro casts C-style. OpenSSL copies the name.
    void* name = const_cast<char*>(host.c_str());
    return SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, name) == 1 &&
           SSL_set1_host(ssl, host.c_str()) == 1;
}

ClientError describe_tls_failure(const SSL* ssl, unsigned long openssl_error,
                                 const std::string& origin) {
    if (ERR_GET_LIB(openssl_error) == ERR_LIB_SSL &&
        ERR_GET_REASON(openssl_error) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
        return {Failure::tls, "TLS certificate of " + origin + " not trusted: " +
                                  X509_verify_cert_error_string(SSL_get_verify_result(ssl)) +
                                  " (--cacert FILE to trust it, --insecure to skip the check)"};
    }
    // Without an OpenSSL error, the transport ended: the server closed or reset the connection.
    const char* reason = openssl_error != 0 ? ERR_reason_error_string(openssl_error) : nullptr;
    return {Failure::tls, "TLS handshake with " + origin + " failed: " +
                              (reason != nullptr ? reason : "the connection was closed")};
}

} // namespace hooks::http
