"""The columnar log format (Parquet): ``parquet`` reads and writes a file, ``read`` checks its columns with the
YAML loader's rules, ``order`` puts its rows in replay order. pyarrow is imported only when one is read or written.
"""
