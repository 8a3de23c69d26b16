# pragma version ~=0.4.3
"""
@title SessionV2 test double
@notice A stand-in for Cortensor's SessionV2 with the subset of its ABI a router uses (signatures, selectors and
        events as in the router notes §4.2). Not the real contract: no node pool, payments or validation. Miners
        join a session through addDedicatedNode; every submitted task is assigned to all of them at once.
        Vyper has no overloading: `submit` is the newer 8-argument form, and the older 7-argument form
        (selector 0x17748e1a) is decoded in __default__.
"""

MAX_MINERS: constant(uint256) = 16
MAX_ROUTERS: constant(uint256) = 8
MAX_TEXT: constant(uint256) = 4096
MAX_NAME: constant(uint256) = 256
MAX_METADATA: constant(uint256) = 1024
MAX_PARAMS: constant(uint256) = 16
MAX_CALLDATA: constant(uint256) = 16384

STATE_ACTIVE: constant(uint8) = 1
STATE_DEACTIVATED: constant(uint8) = 2
ASSIGNMENT_DEDICATED: constant(uint256) = 2
SUBMIT7: constant(Bytes[4]) = method_id("submit(uint256,uint256,string,uint256,string,uint256[],string)")


interface SessionQueue:
    def enqueueTask(
        sessionId: uint256,
        taskData: String[MAX_TEXT],
        promptType: uint256,
        promptTemplate: String[MAX_TEXT],
        llmParams: DynArray[uint256, MAX_PARAMS],
        requestParams: DynArray[uint256, MAX_PARAMS],
    ) -> uint256: nonpayable
    def assignTask(sessionId: uint256, taskId: uint256, addrs: DynArray[address, MAX_MINERS]): nonpayable
    def getTaskResults(
        sessionId: uint256, taskId: uint256
    ) -> (DynArray[address, MAX_MINERS], DynArray[String[MAX_TEXT], MAX_MINERS]): view


struct Session:
    id: uint256
    sid: bytes32
    name: String[MAX_NAME]
    metadata: String[MAX_METADATA]
    state: uint8
    createdAt: uint256
    updatedAt: uint256
    owner: address
    ephemeralNodes: DynArray[address, MAX_MINERS]
    dedicatedNodes: DynArray[address, MAX_MINERS]
    mode: uint256
    redundant: uint256
    minNumOfNodes: uint256
    maxNumOfNodes: uint256
    numOfValidatorNodes: uint256
    routerMetadatas: DynArray[String[MAX_METADATA], MAX_ROUTERS]
    routerAddresses: DynArray[address, MAX_ROUTERS]
    sla: uint256
    modelIdentifier: uint256
    reservePeriod: uint256
    maxTaskExecutionCount: uint256


event SessionCreated:
    sessionId: uint256
    sid: bytes32
    owner: address
    miners: DynArray[address, MAX_MINERS]

event TaskSubmitted:
    sessionId: uint256
    taskId: uint256
    taskData: String[MAX_TEXT]
    clientReference: String[MAX_NAME]

event TaskAssigned:
    sessionId: uint256
    taskId: uint256
    nodeIds: DynArray[bytes32, MAX_MINERS]

event NewNodeAssignedToSession:
    sessionId: indexed(uint256)
    nodeAddresses: DynArray[address, MAX_MINERS]
    newNodeCount: uint256
    assignmentType: uint256

event RouterAdded:
    routerAddress: address
    metadata: String[MAX_METADATA]

event RouterUpdated:
    routerAddress: address
    metadata: String[MAX_METADATA]


sessions: HashMap[uint256, Session]
sessionCount: uint256
queue: SessionQueue
nodePool: address


@deploy
def __init__(queue: address, nodePool: address):
    self.queue = SessionQueue(queue)
    self.nodePool = nodePool


@external
def create(
    name: String[MAX_NAME],
    metadata: String[MAX_METADATA],
    variableAddress: address,
    minNumOfNodes: uint256,
    maxNumOfNodes: uint256,
    redundant: uint256,
    numOfValidatorNodes: uint256,
    mode: uint256,
    reserveEphemeralNodes: bool,
    sla: uint256,
    modelIdentifier: uint256,
    reservePeriod: uint256,
    maxTaskExecutionCount: uint256,
):
    sessionId: uint256 = self.sessionCount
    self.sessionCount = sessionId + 1
    sid: bytes32 = keccak256(abi_encode(self, sessionId))
    session: Session = empty(Session)
    session.id = sessionId
    session.sid = sid
    session.name = name
    session.metadata = metadata
    session.state = STATE_ACTIVE
    session.createdAt = block.timestamp
    session.updatedAt = block.timestamp
    session.owner = msg.sender
    session.mode = mode
    session.redundant = redundant
    session.minNumOfNodes = minNumOfNodes
    session.maxNumOfNodes = maxNumOfNodes
    session.numOfValidatorNodes = numOfValidatorNodes
    session.sla = sla
    session.modelIdentifier = modelIdentifier
    session.reservePeriod = reservePeriod
    session.maxTaskExecutionCount = maxTaskExecutionCount
    self.sessions[sessionId] = session
    log SessionCreated(sessionId=sessionId, sid=sid, owner=msg.sender, miners=[])


@external
def addDedicatedNode(sessionId: uint256, node: address):
    """@notice Adds a miner to the session (the test network's only way in); session owner only."""
    self._existing(sessionId)
    assert msg.sender == self.sessions[sessionId].owner, "session owner only"
    assert node not in self.sessions[sessionId].dedicatedNodes, "node already in session"
    self.sessions[sessionId].dedicatedNodes.append(node)
    self.sessions[sessionId].updatedAt = block.timestamp
    log NewNodeAssignedToSession(
        sessionId=sessionId, nodeAddresses=[node], newNodeCount=1, assignmentType=ASSIGNMENT_DEDICATED
    )


@external
def deactivateSession(sessionId: uint256):
    self._existing(sessionId)
    assert msg.sender == self.sessions[sessionId].owner, "session owner only"
    self.sessions[sessionId].state = STATE_DEACTIVATED


@external
def submit(
    sessionId: uint256,
    nodeType: uint256,
    taskData: String[MAX_TEXT],
    promptType: uint256,
    promptTemplate: String[MAX_TEXT],
    llmParams: DynArray[uint256, MAX_PARAMS],
    requestParams: DynArray[uint256, MAX_PARAMS],
    clientReference: String[MAX_NAME],
):
    self._submit(
        sessionId, nodeType, taskData, promptType, promptTemplate, llmParams, requestParams, clientReference
    )


@external
def __default__():
    # The older 7-argument submit. msg.data can only be sliced by constant lengths, so the identity precompile (0x04)
    # hands the whole calldata back as a bounded byte string.
    calldata: Bytes[MAX_CALLDATA] = raw_call(
        0x0000000000000000000000000000000000000004, msg.data, max_outsize=MAX_CALLDATA, is_static_call=True
    )
    assert len(calldata) >= 4 and slice(calldata, 0, 4) == SUBMIT7, "unknown function"
    sessionId: uint256 = 0
    nodeType: uint256 = 0
    taskData: String[MAX_TEXT] = ""
    promptType: uint256 = 0
    promptTemplate: String[MAX_TEXT] = ""
    llmParams: DynArray[uint256, MAX_PARAMS] = []
    clientReference: String[MAX_NAME] = ""
    sessionId, nodeType, taskData, promptType, promptTemplate, llmParams, clientReference = abi_decode(
        slice(calldata, 4, len(calldata) - 4),
        (uint256, uint256, String[MAX_TEXT], uint256, String[MAX_TEXT], DynArray[uint256, MAX_PARAMS], String[MAX_NAME]),
    )
    self._submit(sessionId, nodeType, taskData, promptType, promptTemplate, llmParams, [], clientReference)


@external
def addRouter(sessionId: uint256, routerAddress: address, metadata: String[MAX_METADATA]):
    self._routerAdmin(sessionId, routerAddress)
    assert routerAddress not in self.sessions[sessionId].routerAddresses, "router already added"
    self.sessions[sessionId].routerAddresses.append(routerAddress)
    self.sessions[sessionId].routerMetadatas.append(metadata)
    log RouterAdded(routerAddress=routerAddress, metadata=metadata)


@external
def updateRouter(sessionId: uint256, routerAddress: address, metadata: String[MAX_METADATA]):
    self._routerAdmin(sessionId, routerAddress)
    index: uint256 = self._routerIndex(sessionId, routerAddress)
    self.sessions[sessionId].routerMetadatas[index] = metadata
    log RouterUpdated(routerAddress=routerAddress, metadata=metadata)


@view
@external
def getSession(sessionId: uint256) -> Session:
    self._existing(sessionId)
    return self.sessions[sessionId]


@view
@external
def getTaskResults(
    sessionId: uint256, taskId: uint256
) -> (DynArray[address, MAX_MINERS], DynArray[String[MAX_TEXT], MAX_MINERS]):
    return staticcall self.queue.getTaskResults(sessionId, taskId)


@view
@external
def getRouterInfo(sessionId: uint256, routerAddress: address) -> String[MAX_METADATA]:
    return self.sessions[sessionId].routerMetadatas[self._routerIndex(sessionId, routerAddress)]


@view
@external
def getLatestRouterInfo(sessionId: uint256) -> String[MAX_METADATA]:
    count: uint256 = len(self.sessions[sessionId].routerMetadatas)
    assert count > 0, "no router"
    return self.sessions[sessionId].routerMetadatas[count - 1]


@view
@external
def getRouterCount(sessionId: uint256) -> uint256:
    return len(self.sessions[sessionId].routerAddresses)


@view
@external
def getSessionCount() -> uint256:
    return self.sessionCount


@view
@external
def doesSessionExist(sessionId: uint256) -> bool:
    return sessionId < self.sessionCount


@pure
@external
def getNodeId(addr: address) -> bytes32:
    return keccak256(abi_encode(addr))


@view
@external
def getSessionQueueAddress() -> address:
    return self.queue.address


@view
@external
def getNodePoolAddress() -> address:
    return self.nodePool


@internal
def _submit(
    sessionId: uint256,
    nodeType: uint256,
    taskData: String[MAX_TEXT],
    promptType: uint256,
    promptTemplate: String[MAX_TEXT],
    llmParams: DynArray[uint256, MAX_PARAMS],
    requestParams: DynArray[uint256, MAX_PARAMS],
    clientReference: String[MAX_NAME],
):
    self._existing(sessionId)
    assert self.sessions[sessionId].state == STATE_ACTIVE, "session not active"
    assert nodeType <= 2, "bad node type"
    taskId: uint256 = extcall self.queue.enqueueTask(
        sessionId, taskData, promptType, promptTemplate, llmParams, requestParams
    )
    log TaskSubmitted(sessionId=sessionId, taskId=taskId, taskData=taskData, clientReference=clientReference)
    miners: DynArray[address, MAX_MINERS] = self.sessions[sessionId].dedicatedNodes
    if len(miners) == 0:
        return
    extcall self.queue.assignTask(sessionId, taskId, miners)
    nodeIds: DynArray[bytes32, MAX_MINERS] = []
    for miner: address in miners:
        nodeIds.append(keccak256(abi_encode(miner)))
    log TaskAssigned(sessionId=sessionId, taskId=taskId, nodeIds=nodeIds)


@view
@internal
def _existing(sessionId: uint256):
    assert sessionId < self.sessionCount, "no such session"


@view
@internal
def _routerAdmin(sessionId: uint256, routerAddress: address):
    self._existing(sessionId)
    assert msg.sender == routerAddress or msg.sender == self.sessions[sessionId].owner, "router or session owner only"


@view
@internal
def _routerIndex(sessionId: uint256, routerAddress: address) -> uint256:
    for index: uint256 in range(MAX_ROUTERS):
        if index >= len(self.sessions[sessionId].routerAddresses):
            break
        if self.sessions[sessionId].routerAddresses[index] == routerAddress:
            return index
    raise "no such router"
