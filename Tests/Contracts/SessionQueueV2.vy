# pragma version ~=0.4.3
"""
@title SessionQueueV2 test double
@notice A stand-in for Cortensor's SessionQueueV2 with the subset of its ABI a router uses (signatures, selectors and
        events as in the router notes §4.3). Not the real contract: no oracle rounds, validation or payments.
        Status: 0 queued, 1 assigned, 2 acked, 3 precommitted, 4 committed (a result is readable), 5 ended.
"""

MAX_MINERS: constant(uint256) = 16
MAX_TEXT: constant(uint256) = 4096
MAX_PARAMS: constant(uint256) = 16

STATUS_QUEUED: constant(uint8) = 0
STATUS_ASSIGNED: constant(uint8) = 1
STATUS_ACKED: constant(uint8) = 2
STATUS_PRECOMMITTED: constant(uint8) = 3
STATUS_COMMITTED: constant(uint8) = 4
STATUS_ENDED: constant(uint8) = 5

struct Task:
    id: uint256
    gid: uint256
    sessionId: uint256
    data: String[MAX_TEXT]
    assignedMiners: DynArray[address, MAX_MINERS]
    ended: bool
    status: uint8
    createdAt: uint256
    lastPrecommitAt: uint256
    lastCommitAt: uint256
    finishedAt: uint256

event TaskQueued:
    sessionId: uint256
    taskId: uint256
    globalId: uint256
    taskData: String[MAX_TEXT]

event TaskAssigned:
    sessionId: uint256
    taskId: uint256
    miners: DynArray[address, MAX_MINERS]

event TaskAcked:
    sessionId: uint256
    taskId: uint256
    miner: address

event TaskPrecommitted:
    sessionId: uint256
    taskId: uint256
    miner: address

event TaskCommitted:
    sessionId: uint256
    taskId: uint256
    miner: address

event TaskAllCommitted:
    sessionId: uint256
    taskId: uint256
    miners: DynArray[address, MAX_MINERS]

event TaskEnded:
    sessionId: uint256
    taskId: uint256
    miners: DynArray[address, MAX_MINERS]

owner: public(address)
sessionContract: public(address)
tasks: HashMap[uint256, HashMap[uint256, Task]]
taskCounts: HashMap[uint256, uint256]
globalCount: uint256
resultMiners: HashMap[uint256, HashMap[uint256, DynArray[address, MAX_MINERS]]]
resultData: HashMap[uint256, HashMap[uint256, DynArray[String[MAX_TEXT], MAX_MINERS]]]
acks: HashMap[uint256, HashMap[uint256, HashMap[address, bool]]]
precommitHashes: HashMap[uint256, HashMap[uint256, HashMap[address, bytes32]]]


@deploy
def __init__():
    self.owner = msg.sender


@external
def setSessionContract(session: address):
    """@notice Lets `session` (the SessionV2 double) enqueue and assign tasks; owner only."""
    assert msg.sender == self.owner, "owner only"
    self.sessionContract = session


@external
def enqueueTask(
    sessionId: uint256,
    taskData: String[MAX_TEXT],
    promptType: uint256,
    promptTemplate: String[MAX_TEXT],
    llmParams: DynArray[uint256, MAX_PARAMS],
    requestParams: DynArray[uint256, MAX_PARAMS],
) -> uint256:
    assert msg.sender == self.sessionContract, "session contract only"
    taskId: uint256 = self.taskCounts[sessionId]
    self.taskCounts[sessionId] = taskId + 1
    gid: uint256 = self.globalCount
    self.globalCount = gid + 1
    self.tasks[sessionId][taskId] = Task(
        id=taskId, gid=gid, sessionId=sessionId, data=taskData, assignedMiners=[], ended=False,
        status=STATUS_QUEUED, createdAt=block.timestamp, lastPrecommitAt=0, lastCommitAt=0, finishedAt=0
    )
    log TaskQueued(sessionId=sessionId, taskId=taskId, globalId=gid, taskData=taskData)
    return taskId


@external
def assignTask(sessionId: uint256, taskId: uint256, addrs: DynArray[address, MAX_MINERS]):
    assert msg.sender == self.sessionContract or msg.sender == self.owner, "not allowed"
    self._existing(sessionId, taskId)
    self.tasks[sessionId][taskId].assignedMiners = addrs
    self.tasks[sessionId][taskId].status = STATUS_ASSIGNED
    log TaskAssigned(sessionId=sessionId, taskId=taskId, miners=addrs)


@external
def ack(sessionId: uint256, taskId: uint256):
    self._assignedOpen(sessionId, taskId)
    assert not self.acks[sessionId][taskId][msg.sender], "already acked"
    self.acks[sessionId][taskId][msg.sender] = True
    self._advance(sessionId, taskId, STATUS_ACKED)
    log TaskAcked(sessionId=sessionId, taskId=taskId, miner=msg.sender)


@external
def precommit(sessionId: uint256, taskId: uint256, hash: bytes32, data: String[MAX_TEXT]):
    self._assignedOpen(sessionId, taskId)
    self.precommitHashes[sessionId][taskId][msg.sender] = hash
    self.tasks[sessionId][taskId].lastPrecommitAt = block.timestamp
    self._advance(sessionId, taskId, STATUS_PRECOMMITTED)
    log TaskPrecommitted(sessionId=sessionId, taskId=taskId, miner=msg.sender)


@external
def commit(sessionId: uint256, taskId: uint256, data: String[MAX_TEXT]):
    self._assignedOpen(sessionId, taskId)
    assert msg.sender not in self.resultMiners[sessionId][taskId], "already committed"
    expected: bytes32 = self.precommitHashes[sessionId][taskId][msg.sender]
    assert expected == empty(bytes32) or expected == keccak256(data), "result does not match the precommit hash"
    self.resultMiners[sessionId][taskId].append(msg.sender)
    self.resultData[sessionId][taskId].append(data)
    self.tasks[sessionId][taskId].lastCommitAt = block.timestamp
    self._advance(sessionId, taskId, STATUS_COMMITTED)
    log TaskCommitted(sessionId=sessionId, taskId=taskId, miner=msg.sender)
    committed: DynArray[address, MAX_MINERS] = self.resultMiners[sessionId][taskId]
    if len(committed) == len(self.tasks[sessionId][taskId].assignedMiners):
        log TaskAllCommitted(sessionId=sessionId, taskId=taskId, miners=committed)


@external
def end(sessionId: uint256, taskId: uint256, forceEnd: bool):
    """@notice Closes a task (the oracle's job on the real network); owner only."""
    assert msg.sender == self.owner, "owner only"
    self._existing(sessionId, taskId)
    assert not self.tasks[sessionId][taskId].ended, "task ended"
    self.tasks[sessionId][taskId].ended = True
    self.tasks[sessionId][taskId].status = STATUS_ENDED
    self.tasks[sessionId][taskId].finishedAt = block.timestamp
    log TaskEnded(sessionId=sessionId, taskId=taskId, miners=self.resultMiners[sessionId][taskId])


@view
@external
def getTask(sessionId: uint256, taskId: uint256) -> Task:
    self._existing(sessionId, taskId)
    return self.tasks[sessionId][taskId]


@view
@external
def getTaskResults(
    sessionId: uint256, taskId: uint256
) -> (DynArray[address, MAX_MINERS], DynArray[String[MAX_TEXT], MAX_MINERS]):
    return self.resultMiners[sessionId][taskId], self.resultData[sessionId][taskId]


@view
@external
def getTaskStatus(sessionId: uint256, taskId: uint256) -> uint8:
    self._existing(sessionId, taskId)
    return self.tasks[sessionId][taskId].status


@view
@external
def getTaskCountBySessionId(sessionId: uint256) -> uint256:
    return self.taskCounts[sessionId]


@view
@external
def isAcked(sessionId: uint256, taskId: uint256, miner: address) -> bool:
    return self.acks[sessionId][taskId][miner]


@pure
@external
def getHash(str: String[MAX_TEXT]) -> bytes32:
    return keccak256(str)


@view
@internal
def _existing(sessionId: uint256, taskId: uint256):
    assert taskId < self.taskCounts[sessionId], "no such task"


@view
@internal
def _assignedOpen(sessionId: uint256, taskId: uint256):
    self._existing(sessionId, taskId)
    assert not self.tasks[sessionId][taskId].ended, "task ended"
    assert msg.sender in self.tasks[sessionId][taskId].assignedMiners, "not assigned to this task"


@internal
def _advance(sessionId: uint256, taskId: uint256, status: uint8):
    if self.tasks[sessionId][taskId].status < status:
        self.tasks[sessionId][taskId].status = status
