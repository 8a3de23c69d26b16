"""The Cortensor test contracts (Tests/Contracts/*.vy, test doubles of SessionV2/SessionQueueV2) on a py-evm chain.

Used by evm_rpc_server.py when started with --cortensor:
- compile_contracts() compiles the Vyper sources with PyPI's vyper, cached on disk by the hash of the sources and the
  compiler version (EDGE_CONTRACTS_CACHE, default $TMPDIR/cortensor-edge-contracts), so a test run compiles once;
- build_chain() adds funded test accounts (fixed keys, below) to the server's genesis;
- deploy() deploys SessionQueueV2 and SessionV2, links them, and creates session 0 with MINER as its dedicated node;
- result() answers what a router and a test miner need beyond the server's own methods (receipts come from its
  verified-reads section): eth_call (a revert raises Reverted, sent as error code 3 with the revert data),
  eth_sendRawTransaction (one block mined per transaction), eth_getLogs, eth_gasPrice, eth_maxPriorityFeePerGas,
  eth_feeHistory, eth_estimateGas, and cortensor_testSetup (addresses and test keys).
"""
import hashlib
import json
import os
import pathlib
import tempfile

from eth_account import Account
from eth_utils import keccak, to_checksum_address

from eth.chains.base import MiningChain
from eth.db.atomic import AtomicDB
from eth.exceptions import TransactionNotFound
from eth.tools.builder.chain import build, chain_id, disable_pow_check, genesis, latest_mainnet_at
from eth.vm.spoof import SpoofTransaction

CONTRACTS = pathlib.Path(__file__).resolve().parents[2] / "Contracts"
# Test keys, public on purpose: never use them on a real chain.
KEYS = {name: keccak(text=f"cortensor-edge test {name}") for name in ("deployer", "router", "miner", "miner2", "user")}
FUNDS = 10**21
TIP = 10**9


def address_of(name):
    return bytes.fromhex(Account.from_key(KEYS[name]).address[2:])


def compile_contracts():
    """{name: {"abi": [...], "bytecode": hex}} for every Tests/Contracts/*.vy, compiled once per source version."""
    import vyper

    sources = {path.stem: path.read_text() for path in sorted(CONTRACTS.glob("*.vy"))}
    digest = hashlib.sha256(json.dumps([vyper.__version__, sources], sort_keys=True).encode()).hexdigest()[:24]
    cache = pathlib.Path(os.environ.get("EDGE_CONTRACTS_CACHE", pathlib.Path(tempfile.gettempdir()) / "cortensor-edge-contracts"))
    path = cache / f"{digest}.json"
    if path.exists():
        return json.loads(path.read_text())
    compiled = {}
    for name, source in sources.items():
        output = vyper.compile_code(source, output_formats=["abi", "bytecode"])
        compiled[name] = {"abi": output["abi"], "bytecode": output["bytecode"]}
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(compiled))
    partial.replace(path)
    return compiled


def build_chain(chain_number, params, state):
    """A fresh in-memory chain like the server's, with the test accounts funded besides `state`."""
    funded = dict(state)
    for name in KEYS:
        funded[address_of(name)] = {"balance": FUNDS, "nonce": 0, "code": b"", "storage": {}}
    return build(
        MiningChain, latest_mainnet_at(0), chain_id(chain_number), disable_pow_check(),
        genesis(db=AtomicDB(), params=params, state=funded),
    )


class Deployment:
    """Addresses of the deployed contracts and of the test accounts."""

    def __init__(self):
        self.queue = None
        self.session = None
        self.node_pool = bytes.fromhex("00000000000000000000000000000000000c0001")


DEPLOYMENT = Deployment()


def send(chain, name, to, data, gas=8_000_000):
    """Signs with test key `name`, applies, mines a block; returns the receipt's computation."""
    sender = address_of(name)
    nonce = chain.get_vm().state.get_nonce(sender)
    fields = {
        "chainId": chain.chain_id, "nonce": nonce, "gas": gas, "maxFeePerGas": gas_price(chain) * 2,
        "maxPriorityFeePerGas": TIP, "value": 0, "data": data,
    }
    if to is not None:
        fields["to"] = to_checksum_address(to)
    signed = Account.sign_transaction(fields, KEYS[name])
    return apply_raw(chain, bytes(signed.raw_transaction))


def apply_raw(chain, raw):
    transaction = chain.get_vm().get_transaction_builder().decode(raw)
    _, _, computation = chain.apply_transaction(transaction)
    chain.mine_block()
    return transaction, computation


def deploy(chain):
    """Deploys the queue and the session contract, links them, and opens session 0 with MINER as dedicated node."""
    from eth_abi import encode

    compiled = compile_contracts()
    queue_code = bytes.fromhex(compiled["SessionQueueV2"]["bytecode"][2:])
    DEPLOYMENT.queue = created(chain, send(chain, "deployer", None, queue_code)[1])
    session_code = bytes.fromhex(compiled["SessionV2"]["bytecode"][2:])
    arguments = encode(["address", "address"], [DEPLOYMENT.queue, DEPLOYMENT.node_pool])
    DEPLOYMENT.session = created(chain, send(chain, "deployer", None, session_code + arguments)[1])
    call(chain, "deployer", DEPLOYMENT.queue, "setSessionContract(address)", ["address"], [DEPLOYMENT.session])
    create = "create(string,string,address,uint256,uint256,uint256,uint256,uint256,bool,uint256,uint256,uint256,uint256)"
    create_types = create[7:-1].split(",")
    create_values = ["edge-test", "{}", b"\x00" * 20, 1, 3, 1, 0, 2, False, 0, 0, 300, 5]
    call(chain, "deployer", DEPLOYMENT.session, create, create_types, create_values)
    call(chain, "deployer", DEPLOYMENT.session, "addDedicatedNode(uint256,address)", ["uint256", "address"],
         [0, address_of("miner")])


def call(chain, name, to, signature, types, values):
    from eth_abi import encode

    data = keccak(text=signature)[:4] + encode(types, values)
    _, computation = send(chain, name, to, data)
    computation.raise_if_error()


def created(chain, computation):
    computation.raise_if_error()
    return computation.msg.storage_address


def gas_price(chain):
    return chain.get_vm().get_header().base_fee_per_gas + TIP


def hexq(number):
    return hex(number)


def header_at(chain, tag):
    if tag in ("latest", "pending", "safe", "finalized"):
        return chain.get_canonical_head()
    if tag == "earliest":
        return chain.get_canonical_block_header_by_number(0)
    return chain.get_canonical_block_header_by_number(int(tag, 16))


def eth_call(chain, message, tag):
    header = header_at(chain, tag)
    sender = bytes.fromhex(message.get("from", "0x" + "00" * 20)[2:])
    vm = chain.get_vm(header)
    unsigned = vm.create_unsigned_transaction(
        nonce=vm.state.get_nonce(sender), gas_price=0, gas=int(message.get("gas", "0x1c9c380"), 16),
        to=bytes.fromhex(message["to"][2:]), value=int(message.get("value", "0x0"), 16),
        data=bytes.fromhex(message.get("data", message.get("input", "0x"))[2:]),
    )
    with vm.in_costless_state() as state:
        computation = state.costless_execute_transaction(SpoofTransaction(unsigned, from_=sender))
    return computation


class Reverted(Exception):
    def __init__(self, output):
        super().__init__("execution reverted")
        self.output = output


def receipt_json(chain, transaction_hash):
    try:
        number, index = chain.chaindb.get_transaction_index(transaction_hash)
    except TransactionNotFound:
        return None
    block = chain.get_canonical_block_by_number(number)
    receipts = block.get_receipts(chain.chaindb)
    first_log = sum(len(r.logs) for r in receipts[:index])
    transaction = block.transactions[index]
    receipt = receipts[index]
    previous_gas = receipts[index - 1].gas_used if index else 0
    created_address = None
    if transaction.to == b"":
        created_address = "0x" + keccak(encode_rlp([transaction.sender, transaction.nonce]))[12:].hex()
    return {
        "transactionHash": "0x" + transaction_hash.hex(), "transactionIndex": hexq(index),
        "blockHash": "0x" + block.hash.hex(), "blockNumber": hexq(number),
        "from": "0x" + transaction.sender.hex(), "to": "0x" + transaction.to.hex() if transaction.to else None,
        "status": hexq(receipt.state_root == b"\x01"), "gasUsed": hexq(receipt.gas_used - previous_gas),
        "cumulativeGasUsed": hexq(receipt.gas_used), "contractAddress": created_address,
        "logs": [log_json(block, transaction_hash, index, first_log + n, log) for n, log in enumerate(receipt.logs)],
    }


def encode_rlp(items):
    import rlp

    return rlp.encode(items)


def log_json(block, transaction_hash, transaction_index, log_index, log):
    return {
        "address": "0x" + log.address.hex(), "topics": ["0x" + t.to_bytes(32, "big").hex() for t in log.topics],
        "data": "0x" + log.data.hex(), "blockNumber": hexq(block.number), "blockHash": "0x" + block.hash.hex(),
        "transactionHash": "0x" + transaction_hash.hex(), "transactionIndex": hexq(transaction_index),
        "logIndex": hexq(log_index), "removed": False,
    }


def get_logs(chain, criteria):
    head = chain.get_canonical_head().block_number
    first = header_at(chain, criteria.get("fromBlock", "latest")).block_number
    last = header_at(chain, criteria.get("toBlock", "latest")).block_number
    addresses = criteria.get("address") or []
    addresses = {a.lower() for a in ([addresses] if isinstance(addresses, str) else addresses)}
    wanted_topics = criteria.get("topics") or []
    logs = []
    for number in range(first, min(last, head) + 1):
        block = chain.get_canonical_block_by_number(number)
        for transaction in block.transactions:
            for log in receipt_json(chain, transaction.hash)["logs"]:
                if addresses and log["address"] not in addresses:
                    continue
                if matches(log["topics"], wanted_topics):
                    logs.append(log)
    return logs


def matches(topics, wanted):
    for position, alternatives in enumerate(wanted):
        if alternatives is None:
            continue
        alternatives = [alternatives] if isinstance(alternatives, str) else alternatives
        if position >= len(topics) or topics[position] not in alternatives:
            return False
    return True


def test_setup():
    return {
        "session": to_checksum_address(DEPLOYMENT.session), "queue": to_checksum_address(DEPLOYMENT.queue),
        "nodePool": to_checksum_address(DEPLOYMENT.node_pool), "sessionId": 0,
        "keys": {name: "0x" + key.hex() for name, key in KEYS.items()},
        "addresses": {name: to_checksum_address(address_of(name)) for name in KEYS},
    }


def fee_history(chain, count, newest, percentiles):
    """eth_feeHistory from the chain's own blocks: base fees (plus the next block's), gas used ratios, and per block
    the paid tips at each percentile (0 for an empty block)."""
    last = header_at(chain, newest).block_number
    count = max(1, min(count, last + 1, 1024))
    base_fees, ratios, rewards = [], [], []
    for number in range(last - count + 1, last + 1):
        block = chain.get_canonical_block_by_number(number)
        base_fee = block.header.base_fee_per_gas
        base_fees.append(hexq(base_fee))
        ratios.append(block.header.gas_used / block.header.gas_limit)
        tips = sorted(min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - base_fee) for tx in block.transactions)
        rewards.append([hexq(tips[min(len(tips) - 1, int(len(tips) * p / 100))] if tips else 0) for p in percentiles])
    base_fees.append(hexq(chain.header.base_fee_per_gas))
    history = {"oldestBlock": hexq(last - count + 1), "baseFeePerGas": base_fees, "gasUsedRatio": ratios}
    if percentiles:
        history["reward"] = rewards
    return history


def result(chain, method, params):
    """The answer to `method`; KeyError for a method this module does not serve."""
    if method == "eth_call":
        computation = eth_call(chain, params[0], params[1] if len(params) > 1 else "latest")
        if computation.is_error:
            raise Reverted(computation.output)
        return "0x" + computation.output.hex()
    if method == "eth_sendRawTransaction":
        transaction, _ = apply_raw(chain, bytes.fromhex(params[0][2:]))
        return "0x" + transaction.hash.hex()
    if method == "eth_getLogs":
        return get_logs(chain, params[0])
    if method == "eth_gasPrice":
        return hexq(gas_price(chain))
    if method == "eth_maxPriorityFeePerGas":
        return hexq(TIP)
    if method == "eth_feeHistory":
        return fee_history(chain, int(params[0], 16), params[1], params[2] if len(params) > 2 else [])
    if method == "eth_estimateGas":
        return hexq(8_000_000)
    if method == "cortensor_testSetup":
        return test_setup()
    raise KeyError(method)

