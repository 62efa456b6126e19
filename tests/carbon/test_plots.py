import pandas as pd
import pytest

from rseai.carbon import plots


@pytest.mark.parametrize("table", [None, pd.DataFrame({"region": [], "co2e_kg": []}),
                                   pd.DataFrame({"region": ["India"]})])
def test_a_plot_refuses_a_table_without_its_rows_and_columns(table):
    with pytest.raises(TypeError, match=r"table must be a non-empty table for plot_countries \(columns"):
        plots.plot_countries(table)
