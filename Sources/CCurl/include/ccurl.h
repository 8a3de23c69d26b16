#ifndef CCURL_H
#define CCURL_H
/*
 * libcurl, loaded on first use. The router links no libcurl: `ccurl_load` dlopens libcurl.so.4 and resolves
 * the functions below, so libcurl and the ~20 libraries it pulls in (Kerberos, LDAP, SSH, RTMP, IDN, ...) cost
 * no memory until the first upstream request. curl/curl.h provides the types and constants only; calling its
 * functions directly fails at link time.
 */
#include <curl/curl.h>
#include <stddef.h>

/*
 * Loads libcurl and runs curl_global_init, once per process. Returns 0 on success; otherwise writes a
 * NUL-terminated reason (dlerror's text, a missing symbol, or curl_global_init's code) into `error` and
 * returns -1 (the same reason on every later call).
 */
int ccurl_load(char *error, size_t error_size);

/* The libcurl functions the router calls, with the same contracts. Valid only after ccurl_load succeeded. */
CURL *ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *easy);
void ccurl_easy_reset(CURL *easy);
CURLcode ccurl_easy_pause(CURL *easy, int bitmask);
const char *ccurl_easy_strerror(CURLcode code);
CURLM *ccurl_multi_init(void);
CURLMcode ccurl_multi_cleanup(CURLM *multi);
CURLMcode ccurl_multi_add_handle(CURLM *multi, CURL *easy);
CURLMcode ccurl_multi_remove_handle(CURLM *multi, CURL *easy);
CURLMcode ccurl_multi_perform(CURLM *multi, int *running_handles);
CURLMcode ccurl_multi_poll(CURLM *multi, struct curl_waitfd *extra_fds, unsigned int extra_nfds, int timeout_ms,
                           int *numfds);
CURLMcode ccurl_multi_wakeup(CURLM *multi);
CURLMsg *ccurl_multi_info_read(CURLM *multi, int *msgs_in_queue);
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *string);
void ccurl_slist_free_all(struct curl_slist *list);

/* Typed, non-variadic forms of curl_easy_setopt, curl_multi_setopt and curl_easy_getinfo (Swift cannot call C
 * variadics). */

/* Signature shared by CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION. */
typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *userdata);

CURLcode ccurl_easy_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode ccurl_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value);
CURLcode ccurl_easy_setopt_ptr(CURL *easy, CURLoption option, void *value);
CURLcode ccurl_easy_setopt_string(CURL *easy, CURLoption option, const char *value);
CURLcode ccurl_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *value);
CURLcode ccurl_easy_setopt_func(CURL *easy, CURLoption option, ccurl_data_callback value);
CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
CURLcode ccurl_easy_getinfo_long(CURL *easy, CURLINFO info, long *value);
CURLcode ccurl_easy_getinfo_ptr(CURL *easy, CURLINFO info, void **value);

/* Macros Swift does not import as values. */
static inline size_t ccurl_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }
static inline int ccurl_pause_cont(void) { return CURLPAUSE_CONT; }
static inline size_t ccurl_error_size(void) { return CURL_ERROR_SIZE; }

#endif
