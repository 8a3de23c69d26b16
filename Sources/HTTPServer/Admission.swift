/// What the server's admission check decides once a request's head has arrived, before its body is read.
///
/// Reading a body costs memory and time; a request that will be refused anyway (no valid key, no such route) is
/// answered from its head, and its connection closed, so a client without a key cannot make the server buffer
/// anything.
public enum Admission: Sendable {
    /// Read the body and handle the request; `caller` travels with it (`Request.caller`), and so does `route`
    /// (`Request.admittedRoute`): whatever the check looked up for the head (a route table match), so the
    /// handler need not look it up again. The server never reads it.
    case admit(caller: String?, route: (any Sendable)? = nil)
    /// Answer `response` now, without reading the body, and close the connection.
    case reject(Response)
}
