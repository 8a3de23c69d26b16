#ifndef CMICROHTTPD_SHIM_H
#define CMICROHTTPD_SHIM_H
#include <stdint.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

/* Wrappers for what Swift cannot import from microhttpd.h: the variadic
 * MHD_start_daemon, options carrying function pointers, the union-returning
 * info getters and the cast macros. All prefixed `cmhd_`. */

/** MHD_CONTENT_READER_END_OF_STREAM as a typed constant. */
static const ssize_t cmhd_content_reader_end_of_stream = MHD_CONTENT_READER_END_OF_STREAM;
/** MHD_CONTENT_READER_END_WITH_ERROR as a typed constant. */
static const ssize_t cmhd_content_reader_end_with_error = MHD_CONTENT_READER_END_WITH_ERROR;
/** MHD_SIZE_UNKNOWN (chunked response of unknown length). */
static const uint64_t cmhd_size_unknown = MHD_SIZE_UNKNOWN;

/** Starts a daemon with every option passed through one MHD_OPTION_ARRAY
 *  (terminated by an MHD_OPTION_END item); no accept-policy callback. */
static inline struct MHD_Daemon *cmhd_start_daemon(unsigned int flags, uint16_t port,
                                                   MHD_AccessHandlerCallback handler, void *handler_cls,
                                                   struct MHD_OptionItem *options) {
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

/** An option item whose argument is an integer (`unsigned int` or `size_t` options). */
static inline struct MHD_OptionItem cmhd_option_integer(enum MHD_OPTION option, intptr_t value) {
    struct MHD_OptionItem item = { option, value, NULL };
    return item;
}

/** An option item whose argument is one pointer (SOCK_ADDR, HTTPS_MEM_KEY, HTTPS_MEM_CERT). */
static inline struct MHD_OptionItem cmhd_option_pointer(enum MHD_OPTION option, const void *pointer) {
    struct MHD_OptionItem item = { option, 0, (void *) pointer };
    return item;
}

/** MHD_OPTION_NOTIFY_COMPLETED: the callback travels in `value`, its closure in `ptr_value`. */
static inline struct MHD_OptionItem cmhd_option_notify_completed(MHD_RequestCompletedCallback callback, void *cls) {
    struct MHD_OptionItem item = { MHD_OPTION_NOTIFY_COMPLETED, (intptr_t) callback, cls };
    return item;
}

/** MHD_OPTION_NOTIFY_CONNECTION: the callback travels in `value`, its closure in `ptr_value`. */
static inline struct MHD_OptionItem cmhd_option_notify_connection(MHD_NotifyConnectionCallback callback, void *cls) {
    struct MHD_OptionItem item = { MHD_OPTION_NOTIFY_CONNECTION, (intptr_t) callback, cls };
    return item;
}

/** The terminating MHD_OPTION_END item. */
static inline struct MHD_OptionItem cmhd_option_end(void) {
    struct MHD_OptionItem item = { MHD_OPTION_END, 0, NULL };
    return item;
}

/** The bound port (after port 0), or 0 when unknown. */
static inline uint16_t cmhd_daemon_bind_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/** The client's socket address, or NULL. */
static inline const struct sockaddr *cmhd_connection_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info == NULL ? NULL : info->client_addr;
}

/* The connection's socket, or -1 (MHD_get_connection_info is variadic). */
static inline int cmhd_connection_socket(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

#endif
