"""Private py-evm dev chains for the log watcher and transaction tests, served by evm_rpc_server.py under
/chain/<key>[/maxlogs/<n>]: one fresh chain per key, so tests that mine, reorganize or send transactions never
disturb each other or the default chain.

Each chain (chain id 1337, latest mainnet rules) funds DEV_KEYS' addresses with 100 ether and predeploys two
hand-assembled contracts:
  EMITTER  ping(uint256 v): emits Ping(address indexed sender, uint256 value) with value = v.
  REVERTER fail(uint256 code): reverts with Error("not allowed") when code is 0, else with Panic(code).
Nothing is mined unless a test asks (test_mine); eth_sendRawTransaction puts a transaction in a pool with geth's
rules (nonce too low, replacement needs both fees raised by 10%, fee cap below the base fee waits). test_reorg
rewinds to block N and mines a longer branch of empty blocks; transactions of dropped blocks go back to the pool.
"""
import eth_keys
import rlp
from eth.chains.base import MiningChain
from eth.db.atomic import AtomicDB
from eth.exceptions import Revert, VMError
from eth.tools.builder.chain import build, chain_id, disable_pow_check, genesis, latest_mainnet_at
from eth.vm.spoof import SpoofTransaction
from eth_hash.auto import keccak
from eth_utils import ValidationError

CHAIN_ID = 1337
DEV_KEYS = [eth_keys.keys.PrivateKey((0x1000 + i).to_bytes(32, "big")) for i in range(1, 5)]
EMITTER = bytes.fromhex("00" * 19 + "e1")
REVERTER = bytes.fromhex("00" * 19 + "e2")
PING_TOPIC = keccak(b"Ping(address,uint256)")


class RPCError(Exception):
    """A JSON-RPC error object the server sends back."""

    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data


def emitter_code():
    """CALLDATALOAD(4) to memory, LOG2(mem[0:32], PING_TOPIC, CALLER), STOP."""
    return bytes.fromhex("600435600052" + "33" + "7f" + PING_TOPIC.hex() + "6020" + "6000" + "a2" + "00")


def reverter_code():
    """Reverts with Error("not allowed") if CALLDATALOAD(4) is 0, else with Panic(CALLDATALOAD(4))."""
    message = b"not allowed"
    error = (bytes.fromhex("08c379a0") + (32).to_bytes(32, "big") + len(message).to_bytes(32, "big")
             + message.ljust(32, b"\0"))
    size = "%04x" % len(error)
    code = bytes.fromhex(
        "6004" "35" "6015" "57"  # 0x00: PUSH1 4, CALLDATALOAD, PUSH1 0x15, JUMPI (code != 0: to the panic)
        "61" + size + "61002c" "6000" "39"  # 0x06: CODECOPY(0, 0x2c, size): the Error payload after the code
        "61" + size + "6000" "fd"  # 0x0f: REVERT(0, size)
        "5b" "634e487b71" "60e0" "1b" "6000" "52"  # 0x15: JUMPDEST, mem[0:4] = Panic selector
        "6004" "35" "6004" "52"  # 0x21: mem[4:36] = code
        "6024" "6000" "fd"  # 0x27: REVERT(0, 36)
    )
    assert len(code) == 0x2c
    return code + error


def new_chain():
    state = {key.public_key.to_canonical_address(): {"balance": 100 * 10**18, "nonce": 0, "code": b"", "storage": {}}
             for key in DEV_KEYS}
    state[EMITTER] = {"balance": 0, "nonce": 1, "code": emitter_code(), "storage": {}}
    state[REVERTER] = {"balance": 0, "nonce": 1, "code": reverter_code(), "storage": {}}
    params = {"difficulty": 0, "gas_limit": 30_000_000, "nonce": b"\x00" * 8}
    return build(MiningChain, latest_mainnet_at(0), chain_id(CHAIN_ID), disable_pow_check(),
                 genesis(db=AtomicDB(), params=params, state=state))


def quantity(value):
    return hex(value)


def data(value):
    return "0x" + bytes(value).hex()


def parse_data(text):
    return bytes.fromhex(text[2:]) if text else b""


class DevChain:
    """One chain, its transaction pool and the JSON-RPC methods the tests use."""

    def __init__(self):
        self.chain = new_chain()
        self.pool = {}  # (sender, nonce) -> signed transaction

    # -- blocks --------------------------------------------------------------------------------------------------

    def head(self):
        return self.chain.get_canonical_head()

    def header(self, tag):
        if tag in ("latest", "pending", "safe", "finalized"):
            return self.head()
        if tag == "earliest":
            return self.chain.get_canonical_block_header_by_number(0)
        number = int(tag, 16)
        if number > self.head().block_number:
            return None
        return self.chain.get_canonical_block_header_by_number(number)

    def block_json(self, header):
        block = self.chain.get_block_by_header(header)
        return {
            "number": quantity(header.block_number), "hash": data(header.hash),
            "parentHash": data(header.parent_hash), "timestamp": quantity(header.timestamp),
            "gasLimit": quantity(header.gas_limit), "gasUsed": quantity(header.gas_used),
            "baseFeePerGas": quantity(header.base_fee_per_gas), "miner": data(header.coinbase),
            "extraData": data(header.extra_data),
            "transactions": [data(tx.hash) for tx in block.transactions],
        }

    def next_base_fee(self):
        return self.chain.create_header_from_parent(self.head()).base_fee_per_gas

    def mine(self, count, parent=None, extra_data=b""):
        """Mines `count` blocks on `parent` (default: the head), each with the pool's includable transactions."""
        if parent is not None:
            self.chain.header = self.chain.create_header_from_parent(parent)
        for _ in range(count):
            for tx in self.includable():
                try:
                    self.chain.apply_transaction(tx)
                except (ValidationError, VMError):
                    continue
                del self.pool[(tx.sender, tx.nonce)]
            self.chain.mine_block(extra_data=extra_data)
        return self.head().block_number

    def includable(self):
        vm = self.chain.get_vm()
        state = vm.state
        base_fee = self.chain.header.base_fee_per_gas
        chosen = []
        for sender in sorted({sender for sender, _ in self.pool}):
            nonce = state.get_nonce(sender)
            while (sender, nonce) in self.pool and self.pool[(sender, nonce)].max_fee_per_gas >= base_fee:
                chosen.append(self.pool[(sender, nonce)])
                nonce += 1
        return chosen

    def reorg(self, number, count):
        """Makes a branch of `count` empty blocks on block `number` the canonical chain; it must end higher."""
        old_head = self.head().block_number
        if number + count <= old_head:
            raise RPCError(-32000, f"a branch of {count} blocks on {number} does not outgrow head {old_head}")
        dropped = [tx for n in range(number + 1, old_head + 1)
                   for tx in self.chain.get_canonical_block_by_number(n).transactions]
        saved_pool, self.pool = self.pool, {}
        self.mine(count, parent=self.chain.get_canonical_block_header_by_number(number), extra_data=b"fork")
        self.pool = saved_pool
        for tx in dropped:
            self.pool.setdefault((tx.sender, tx.nonce), tx)
        return self.head().block_number

    # -- transactions --------------------------------------------------------------------------------------------

    def send_raw(self, raw):
        tx = self.chain.get_vm().get_transaction_builder().decode(raw)
        tx.validate()
        if tx.chain_id != CHAIN_ID:
            raise RPCError(-32000, "invalid chain id")
        state_nonce = self.chain.get_vm().state.get_nonce(tx.sender)
        if tx.nonce < state_nonce:
            raise RPCError(-32000, "nonce too low")
        old = self.pool.get((tx.sender, tx.nonce))
        if old is not None and old.hash != tx.hash:
            if (tx.max_fee_per_gas * 10 < old.max_fee_per_gas * 11
                    or tx.max_priority_fee_per_gas * 10 < old.max_priority_fee_per_gas * 11):
                raise RPCError(-32000, "replacement transaction underpriced")
        self.pool[(tx.sender, tx.nonce)] = tx
        return data(tx.hash)

    def pending_nonce(self, sender):
        nonce = self.chain.get_vm().state.get_nonce(sender)
        while (sender, nonce) in self.pool:
            nonce += 1
        return nonce

    def receipt(self, tx_hash):
        try:
            number, index = self.chain.chaindb.get_transaction_index(tx_hash)
        except Exception:
            return None
        header = self.chain.get_canonical_block_header_by_number(number)
        block = self.chain.get_block_by_header(header)
        if index >= len(block.transactions) or block.transactions[index].hash != tx_hash:
            return None  # Indexed on a branch that is no longer canonical.
        tx = block.transactions[index]
        receipts = block.get_receipts(self.chain.chaindb)
        previous = receipts[index - 1].gas_used if index else 0
        tip = min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - header.base_fee_per_gas)
        created = None
        if tx.to == b"":
            created = keccak(rlp.encode([tx.sender, tx.nonce]))[12:]
        return {
            "transactionHash": data(tx_hash), "transactionIndex": quantity(index),
            "blockNumber": quantity(number), "blockHash": data(header.hash),
            "from": data(tx.sender), "to": data(tx.to) if tx.to else None,
            "status": quantity(receipts[index].state_root == b"\x01"),
            "gasUsed": quantity(receipts[index].gas_used - previous),
            "cumulativeGasUsed": quantity(receipts[index].gas_used),
            "effectiveGasPrice": quantity(header.base_fee_per_gas + tip),
            "contractAddress": data(created) if created else None,
            "logs": [self.log_json(header, tx, index, position, log)
                     for position, log in enumerate(receipts[index].logs)],
            "type": quantity(tx.type_id if tx.type_id is not None else 0),
        }

    # -- calls ---------------------------------------------------------------------------------------------------

    def message(self, call, header):
        sender = parse_data(call.get("from")) or DEV_KEYS[0].public_key.to_canonical_address()
        vm = self.chain.get_vm(self.chain.create_header_from_parent(header))
        unsigned = vm.create_unsigned_transaction(
            nonce=vm.state.get_nonce(sender), gas_price=0, gas=int(call.get("gas", hex(25_000_000)), 16),
            to=parse_data(call.get("to")), value=int(call.get("value", "0x0"), 16), data=parse_data(call.get("data")))
        return SpoofTransaction(unsigned, from_=sender)

    def call(self, call, tag):
        header = self.header(tag)
        try:
            return data(self.chain.get_transaction_result(self.message(call, header), header))
        except Revert as revert:
            raise RPCError(3, "execution reverted", data(revert.args[0] if revert.args else b""))

    def estimate_gas(self, call):
        head = self.head()
        try:
            self.chain.get_transaction_result(self.message(call, head), head)
        except Revert as revert:
            raise RPCError(3, "execution reverted", data(revert.args[0] if revert.args else b""))
        return quantity(self.chain.estimate_gas(self.message(call, head), head))

    # -- logs and fees -------------------------------------------------------------------------------------------

    def log_json(self, header, tx, tx_index, position, log):
        return {
            "address": data(log.address), "topics": [data(topic.to_bytes(32, "big")) for topic in log.topics],
            "data": data(log.data), "blockNumber": quantity(header.block_number), "blockHash": data(header.hash),
            "transactionHash": data(tx.hash), "transactionIndex": quantity(tx_index),
            "logIndex": quantity(position), "removed": False,
        }

    def logs(self, query, max_logs):
        first = self.header(query.get("fromBlock", "latest")).block_number
        last_header = self.header(query.get("toBlock", "latest"))
        last = last_header.block_number if last_header else self.head().block_number
        addresses = query.get("address") or []
        addresses = {parse_data(a) for a in ([addresses] if isinstance(addresses, str) else addresses)}
        wanted = query.get("topics") or []
        found = []
        for number in range(first, last + 1):
            header = self.chain.get_canonical_block_header_by_number(number)
            block = self.chain.get_block_by_header(header)
            receipts = block.get_receipts(self.chain.chaindb)
            position = 0
            for index, (tx, receipt) in enumerate(zip(block.transactions, receipts)):
                for log in receipt.logs:
                    entry = self.log_json(header, tx, index, position, log)
                    position += 1
                    if addresses and log.address not in addresses:
                        continue
                    if not topics_match(entry["topics"], wanted):
                        continue
                    found.append(entry)
        if max_logs is not None and len(found) > max_logs:
            raise RPCError(-32005, f"query returned more than {max_logs} results")
        return found

    def fee_history(self, count, newest, percentiles):
        last = self.header(newest).block_number
        first = max(0, last - count + 1)
        base_fees, ratios, rewards = [], [], []
        for number in range(first, last + 1):
            header = self.chain.get_canonical_block_header_by_number(number)
            base_fees.append(quantity(header.base_fee_per_gas))
            ratios.append(header.gas_used / header.gas_limit)
            rewards.append([quantity(r) for r in block_rewards(self.chain, header, percentiles)])
        base_fees.append(quantity(self.chain.create_header_from_parent(
            self.chain.get_canonical_block_header_by_number(last)).base_fee_per_gas))
        return {"oldestBlock": quantity(first), "baseFeePerGas": base_fees, "gasUsedRatio": ratios, "reward": rewards}

    # -- dispatch ------------------------------------------------------------------------------------------------

    def result(self, method, params, max_logs):
        if method == "eth_chainId":
            return quantity(CHAIN_ID)
        if method == "eth_blockNumber":
            return quantity(self.head().block_number)
        if method == "eth_getBalance":
            return quantity(self.chain.get_vm(self.header(params[1])).state.get_balance(parse_data(params[0])))
        if method == "eth_getTransactionCount":
            if params[1] == "pending":
                return quantity(self.pending_nonce(parse_data(params[0])))
            return quantity(self.chain.get_vm(self.header(params[1])).state.get_nonce(parse_data(params[0])))
        if method == "eth_getBlockByNumber":
            header = self.header(params[0])
            return self.block_json(header) if header else None
        if method == "eth_sendRawTransaction":
            return self.send_raw(parse_data(params[0]))
        if method == "eth_getTransactionReceipt":
            return self.receipt(parse_data(params[0]))
        if method == "eth_call":
            return self.call(params[0], params[1] if len(params) > 1 else "latest")
        if method == "eth_estimateGas":
            return self.estimate_gas(params[0])
        if method == "eth_getLogs":
            return self.logs(params[0], max_logs)
        if method == "eth_feeHistory":
            return self.fee_history(int(params[0], 16), params[1], params[2] if len(params) > 2 else [])
        if method == "test_mine":
            return quantity(self.mine(int(params[0], 16) if params else 1))
        if method == "test_reorg":
            return quantity(self.reorg(int(params[0], 16), int(params[1], 16)))
        if method == "test_poolSize":
            return quantity(len(self.pool))
        raise KeyError(method)


def topics_match(topics, wanted):
    for position, alternatives in enumerate(wanted):
        if alternatives is None:
            continue
        alternatives = [alternatives] if isinstance(alternatives, str) else alternatives
        if position >= len(topics) or topics[position] not in alternatives:
            return False
    return True


def block_rewards(chain, header, percentiles):
    """geth's feeHistory rewards: effective tips sorted, weighted by each transaction's gas used."""
    block = chain.get_block_by_header(header)
    receipts = block.get_receipts(chain.chaindb)
    if not block.transactions:
        return [0 for _ in percentiles]
    used, previous = [], 0
    for receipt in receipts:
        used.append(receipt.gas_used - previous)
        previous = receipt.gas_used
    tips = sorted((min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - header.base_fee_per_gas), gas)
                  for tx, gas in zip(block.transactions, used))
    rewards = []
    for percentile in percentiles:
        threshold, total = header.gas_used * percentile / 100, 0
        for tip, gas in tips:
            total += gas
            if total >= threshold:
                rewards.append(tip)
                break
        else:
            rewards.append(tips[-1][0])
    return rewards


CHAINS = {}


def dev_chain_result(path, method, params):
    """Answers a call sent to /chain/<key>[/maxlogs/<n>], creating the chain on first use."""
    parts = path.strip("/").split("/")
    key = parts[1]
    max_logs = int(parts[3]) if len(parts) >= 4 and parts[2] == "maxlogs" else None
    if key not in CHAINS:
        CHAINS[key] = DevChain()
    return CHAINS[key].result(method, params, max_logs)
